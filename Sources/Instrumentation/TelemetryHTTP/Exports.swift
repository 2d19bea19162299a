// Users of an instrumentation product write `import TelemetryHummingbird` (or this module) and get the SDK's types,
// such as `MeterProvider`, without a second import.
@_exported import Telemetry
