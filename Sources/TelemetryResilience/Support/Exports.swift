// The patterns' API speaks in the SDK's types (`Meter`, `TelemetryClock`); importing this module is enough to use them.
@_exported import Telemetry
