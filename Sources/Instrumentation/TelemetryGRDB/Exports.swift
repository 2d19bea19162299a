@_exported import TelemetryDatabase
