@_exported import TelemetryHTTP
