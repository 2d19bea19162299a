import Foundation
import Logging
import Telemetry
@testable import TelemetryOTLP

/// A logger provider whose batch processor exports through an OTLP log record exporter, with its worker running.
struct LogsPipeline {
    let provider: LoggerProvider
    let processor: BatchLogRecordProcessor
    let exporter: OTLPLogRecordExporter
    let worker: Task<Void, any Error>

    init(
        _ configuration: OTLPExporterConfiguration,
        resource: Resource = Resource(attributes: ["service.name": "otlp-logs-test"]),
        logger: Logger = TelemetryDiagnostics.logger
    ) throws {
        let (resolved, transport) = try OTLPExporterCore<LogRecordData>.resolve(
            configuration, signal: .logs, environment: [:], isStrict: true, logger: logger)
        exporter = OTLPLogRecordExporter(configuration: resolved, transport: transport, logger: logger)
        processor = try BatchLogRecordProcessor(exporter: exporter, configuration: .init(scheduleDelay: .seconds(3600)))
        provider = LoggerProvider(resource: resource, processors: [processor])
        let processor = self.processor
        // Also runs the exporter's connections, which gRPC needs even for direct `exporter.export` calls.
        worker = Task { try await processor.run() }
    }

    /// Shuts the provider down, then stops the worker by cancellation, as `TelemetryService` does.
    func shutdown() async throws {
        try await provider.shutdown()
        worker.cancel()
        try await worker.value
    }
}

extension OTLPExporterConfiguration {
    /// The receiver's logs endpoint: its gRPC port, or its HTTP port with `/v1/logs`.
    static func logsReceiver(_ receiver: OTLPReceiver, _ protocol: OTLPProtocol) -> OTLPExporterConfiguration {
        var configuration = OTLPExporterConfiguration.receiver(receiver, `protocol`)
        if `protocol` != .grpc { configuration.endpoint = "http://127.0.0.1:\(receiver.httpPort)/v1/logs" }
        return configuration
    }
}

extension OTLPReceiver {
    /// The decoded logs requests received so far.
    var logsRequests: [[String: Any]] { requests.filter { $0["signal"] as? String == "logs" } }

    /// Every log record received so far, each with its `ScopeLogs` and `ResourceLogs`.
    var logRecords: [(record: [String: Any], scope: [String: Any], resource: [String: Any])] {
        var result: [(record: [String: Any], scope: [String: Any], resource: [String: Any])] = []
        for request in logsRequests {
            let body = request["request"] as? [String: Any] ?? [:]
            for resourceLogs in body["resourceLogs"] as? [[String: Any]] ?? [] {
                for scopeLogs in resourceLogs["scopeLogs"] as? [[String: Any]] ?? [] {
                    for record in scopeLogs["logRecords"] as? [[String: Any]] ?? [] {
                        result.append((record, scopeLogs, resourceLogs))
                    }
                }
            }
        }
        return result
    }

    /// Waits until at least `count` log records have arrived.
    @discardableResult
    func waitForLogRecords(_ count: Int, timeout: Duration = .seconds(30)) async throws -> Bool {
        try await waitUntil(timeout: timeout) { records in records.reduce(0) { $0 + logRecordCount($1) } >= count }
    }
}

/// How many log records one line of the receiver holds; 0 for anything but a logs request.
func logRecordCount(_ line: [String: Any]) -> Int {
    guard line["signal"] as? String == "logs" else { return 0 }
    let request = line["request"] as? [String: Any] ?? [:]
    var count = 0
    for resourceLogs in request["resourceLogs"] as? [[String: Any]] ?? [] {
        for scopeLogs in resourceLogs["scopeLogs"] as? [[String: Any]] ?? [] {
            count += (scopeLogs["logRecords"] as? [Any])?.count ?? 0
        }
    }
    return count
}

/// The `LogValue` an `AnyValue` decoded by the official definitions holds, read independently of the encoder:
/// `intValue` is a decimal string and `bytesValue` base64, as protobuf's JSON mapping writes them. `nil` for an
/// `AnyValue` with no member set, or one this cannot read.
func logValue(_ anyValue: Any?) -> LogValue? {
    guard let value = anyValue as? [String: Any], value.count == 1, let (key, member) = value.first else { return nil }
    switch key {
    case "stringValue": return (member as? String).map(LogValue.string)
    case "boolValue": return (member as? Bool).map(LogValue.bool)
    case "intValue": return (member as? String).flatMap { Int64($0) }.map(LogValue.int)
    case "doubleValue": return (member as? Double).map(LogValue.double)
    case "bytesValue": return (member as? String).flatMap { Data(base64Encoded: $0) }.map { LogValue.bytes(Array($0)) }
    case "arrayValue":
        let values = (member as? [String: Any])?["values"] as? [Any] ?? []
        let decoded = values.compactMap(logValue)
        return decoded.count == values.count ? .array(decoded) : nil
    case "kvlistValue":
        let pairs = (member as? [String: Any])?["values"] as? [[String: Any]] ?? []
        return logAttributes(pairs).map(LogValue.map)
    default: return nil
    }
}

/// Decoded `KeyValue`s as a dictionary; `nil` when a key repeats or a value cannot be read.
func logAttributes(_ keyValues: Any?) -> [String: LogValue]? {
    var result: [String: LogValue] = [:]
    for pair in keyValues as? [[String: Any]] ?? [] {
        guard let key = pair["key"] as? String, result[key] == nil, let value = logValue(pair["value"]) else { return nil }
        result[key] = value
    }
    return result
}
