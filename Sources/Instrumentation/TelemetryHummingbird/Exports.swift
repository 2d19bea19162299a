// `import TelemetryHummingbird` gives the SDK and the HTTP conventions' types without more imports.
@_exported import TelemetryHTTP
