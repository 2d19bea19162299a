import Foundation
import Synchronization
import Telemetry


/// One span as the official OTLP definitions read it back: ids in lowercase hex, the kind as its enum name.
struct DecodedSpan: CustomStringConvertible {
    var service: String
    var scope: String
    var name: String
    var kind: String
    var traceID: String
    var spanID: String
    var parentSpanID: String
    var start: UInt64
    var end: UInt64

    var description: String { "\(service)/\(scope): \(kind) \(name) \(spanID) ← \(parentSpanID.isEmpty ? "root" : parentSpanID)" }
}

/// Runs `Tests/Peers/otlp_decode.py`, which decodes an `ExportTraceServiceRequest` with opentelemetry-proto.
enum OTLPDecodePeer {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var python: String {
        get throws {
            if let configured = ProcessInfo.processInfo.environment["TELEMETRY_TEST_PYTHON"], !configured.isEmpty {
                return configured
            }
            let local = packageRoot.appendingPathComponent(".venv/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: local) else {
                throw EndToEndFailure("No Python peer: run ./scripts/test, which installs opentelemetry-proto into .venv")
            }
            return local
        }
    }

    /// The spans of the request `body`, and the official serialization of what was decoded.
    static func decodeTraces(_ body: [UInt8]) throws -> (spans: [DecodedSpan], protobuf: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try python)
        process.arguments = [
            packageRoot.appendingPathComponent("Tests/Peers/otlp_decode.py").path, "protobuf", "--signal", "traces",
        ]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Written from another thread, so a full pipe in either direction cannot block both processes.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(body))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        let diagnostics = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EndToEndFailure("otlp_decode.py failed: \(String(decoding: diagnostics, as: UTF8.self))")
        }
        guard let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any],
              let request = object["request"] as? [String: Any],
              let protobuf = object["protobuf"] as? String
        else {
            throw EndToEndFailure("otlp_decode.py answered something unexpected")
        }
        var spans: [DecodedSpan] = []
        for resourceSpans in request["resourceSpans"] as? [[String: Any]] ?? [] {
            let resource = resourceSpans["resource"] as? [String: Any] ?? [:]
            let service = stringAttribute("service.name", in: resource["attributes"]) ?? ""
            for scopeSpans in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                let scope = (scopeSpans["scope"] as? [String: Any])?["name"] as? String ?? ""
                for span in scopeSpans["spans"] as? [[String: Any]] ?? [] {
                    spans.append(
                        DecodedSpan(
                            service: service, scope: scope, name: span["name"] as? String ?? "",
                            kind: span["kind"] as? String ?? "SPAN_KIND_UNSPECIFIED",
                            traceID: span["traceId"] as? String ?? "", spanID: span["spanId"] as? String ?? "",
                            parentSpanID: span["parentSpanId"] as? String ?? "",
                            // 64-bit integers are decimal strings in protobuf's JSON mapping.
                            start: UInt64(span["startTimeUnixNano"] as? String ?? "") ?? 0,
                            end: UInt64(span["endTimeUnixNano"] as? String ?? "") ?? 0))
                }
            }
        }
        return (spans, protobuf)
    }

    private static func stringAttribute(_ key: String, in attributes: Any?) -> String? {
        for pair in attributes as? [[String: Any]] ?? [] where pair["key"] as? String == key {
            return (pair["value"] as? [String: Any])?["stringValue"] as? String
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
