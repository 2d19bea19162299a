import Foundation
import Telemetry
import Testing

@testable import TelemetryViewer

/// Jaeger's `model/json` types with Go's field names and types (`Trace`, `Span`, `Reference`, `Process`, `Log`,
/// `KeyValue`), decoded strictly: a missing field or a wrong type fails the test.
enum JaegerModel {
    struct Trace: Decodable {
        var traceID: String
        var spans: [Span]
        var processes: [String: Process]
        var warnings: [String]?
    }

    struct Span: Decodable {
        var traceID: String
        var spanID: String
        var operationName: String
        var references: [Reference]
        var startTime: UInt64
        var duration: UInt64
        var tags: [KeyValue]
        var logs: [Log]
        var processID: String
        var warnings: [String]?
        var flags: UInt32
    }

    struct Reference: Decodable {
        var refType: String
        var traceID: String
        var spanID: String
    }

    struct Process: Decodable {
        var serviceName: String
        var tags: [KeyValue]
    }

    struct Log: Decodable {
        var timestamp: UInt64
        var fields: [KeyValue]
    }

    /// Jaeger's `KeyValue`: the JSON type of `value` must match `type`.
    struct KeyValue: Decodable {
        enum Value: Equatable {
            case string(String), bool(Bool), int64(Int64), float64(Double), binary(String)
        }

        var key: String
        var value: Value

        enum CodingKeys: String, CodingKey { case key, type, value }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decode(String.self, forKey: .key)
            switch try container.decode(String.self, forKey: .type) {
            case "string": value = .string(try container.decode(String.self, forKey: .value))
            case "bool": value = .bool(try container.decode(Bool.self, forKey: .value))
            case "int64": value = .int64(try container.decode(Int64.self, forKey: .value))
            case "float64": value = .float64(try container.decode(Double.self, forKey: .value))
            case "binary": value = .binary(try container.decode(String.self, forKey: .value))
            case let other:
                throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown type \(other)")
            }
        }
    }

    struct Envelope<Data: Decodable>: Decodable {
        var data: Data?
        var total: Int
        var limit: Int
        var offset: Int
        var errors: [ErrorEntry]?
    }

    struct ErrorEntry: Decodable {
        var code: Int
        var msg: String
    }

    struct Operation: Decodable {
        var name: String
        var spanKind: String
    }
}

extension [JaegerModel.KeyValue] {
    subscript(tag key: String) -> JaegerModel.KeyValue.Value? { first { $0.key == key }?.value }
}

@Suite("API: Jaeger query API")
struct APIJaegerTests {
    static func decode<T: Decodable>(_ type: T.Type, _ answer: ViewerHTTPAnswer) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(answer.text.utf8))
        } catch {
            Issue.record("does not decode as \(type): \(error)\n\(answer.text.prefix(500))")
            throw error
        }
    }

    static func traces(_ port: Int, _ query: String) async throws -> [JaegerModel.Trace] {
        let answer = try await viewerGET(port, "/api/traces?\(query)")
        #expect(answer.status == 200, "\(answer.text)")
        return try decode(JaegerModel.Envelope<[JaegerModel.Trace]>.self, answer).data ?? []
    }

    @Test("services and operations come in Jaeger's envelope and shapes")
    func servicesAndOperations() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let services = try await viewerGET(port, "/api/services")
            #expect(services.contentType.hasPrefix("application/json"))
            let envelope = try Self.decode(JaegerModel.Envelope<[String]>.self, services)
            #expect(envelope.data == ["frontend", "payments"])
            #expect(envelope.total == 2 && envelope.errors == nil)
            let raw = try services.json()
            #expect(Set(raw.keys) == ["data", "total", "limit", "offset", "errors"])
            #expect(raw["errors"] is NSNull)

            let legacy = try Self.decode(JaegerModel.Envelope<[String]>.self, try await viewerGET(port, "/api/services/frontend/operations"))
            #expect(legacy.data == [ViewerFixture.hostileName, "GET /checkout", "GET /health", "GET /items"].sorted())

            let operations = try Self.decode(
                JaegerModel.Envelope<[JaegerModel.Operation]>.self,
                try await viewerGET(port, "/api/operations?service=payments")
            )
            #expect(Set(operations.data?.map { "\($0.name)|\($0.spanKind)" } ?? []) == ["POST /pay|client", "SELECT orders|internal"])
            let servers = try Self.decode(
                JaegerModel.Envelope<[JaegerModel.Operation]>.self,
                try await viewerGET(port, "/api/operations?service=payments&spanKind=client")
            )
            #expect(servers.data?.map(\.name) == ["POST /pay"])
            #expect(try await viewerGET(port, "/api/operations").status == 400)
        }
    }

    @Test("a trace has Jaeger's shape: typed tags, references, logs from events, processes from resources")
    func traceShape() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let answer = try await viewerGET(port, "/api/traces/\(ViewerFixture.checkoutTrace.hexString)")
            #expect(answer.status == 200)
            let trace = try #require(try Self.decode(JaegerModel.Envelope<[JaegerModel.Trace]>.self, answer).data?.first)
            #expect(trace.traceID == ViewerFixture.checkoutTrace.hexString)
            #expect(trace.spans.count == 3)
            #expect(trace.processes.count == 2)
            #expect(Set(trace.processes.values.map(\.serviceName)) == ["frontend", "payments"])
            for span in trace.spans {
                #expect(trace.processes[span.processID] != nil, "processID \(span.processID) is not in processes")
                #expect(span.traceID == trace.traceID && span.spanID.count == 16)
            }
            // Every documented field is present, nulls included.
            let rawTrace = try #require((try answer.json()["data"] as? [[String: Any]])?.first)
            #expect(Set(rawTrace.keys) == ["traceID", "spans", "processes", "warnings"])
            let rawSpan = try #require((rawTrace["spans"] as? [[String: Any]])?.first)
            #expect(
                Set(rawSpan.keys) == [
                    "traceID", "spanID", "operationName", "references", "startTime", "duration", "tags", "logs", "processID",
                    "warnings", "flags",
                ]
            )

            let root = try #require(trace.spans.first { $0.operationName == "GET /checkout" })
            #expect(root.references.isEmpty)
            #expect(root.startTime == ViewerFixture.checkoutStart / 1000)
            #expect(root.duration == 1_500_000)
            #expect(root.flags == 1)
            #expect(root.tags[tag: "http.status_code"] == .int64(500))
            #expect(root.tags[tag: "retry.ratio"] == .float64(0.25))
            #expect(root.tags[tag: "cache.hit"] == .bool(false))
            #expect(root.tags[tag: "payload"] == .binary("AQID"))
            #expect(root.tags[tag: "tags"] == .string("[\"a\",\"b\"]"))
            #expect(root.tags[tag: "span.kind"] == .string("server"))
            #expect(root.tags[tag: "otel.status_code"] == .string("ERROR"))
            #expect(root.tags[tag: "otel.status_description"] == .string("payment declined"))
            #expect(root.tags[tag: "error"] == .bool(true))
            #expect(root.tags[tag: "otel.scope.name"] == .string("io.opentelemetry.test"))
            #expect(root.tags[tag: "otel.scope.version"] == .string("1.2.3"))
            let process = try #require(trace.processes[root.processID])
            #expect(process.serviceName == "frontend")
            #expect(process.tags[tag: "host.name"] == .string("web-1"))
            #expect(process.tags[tag: "service.name"] == nil)

            let pay = try #require(trace.spans.first { $0.operationName == "POST /pay" })
            #expect(pay.tags[tag: "error"] == nil)
            #expect(pay.tags[tag: "otel.status_code"] == .string("OK"))
            #expect(pay.references.count == 2)
            #expect(pay.references.first?.refType == "CHILD_OF")
            #expect(pay.references.first?.spanID == ViewerFixture.checkoutRoot.hexString)
            #expect(pay.references.last?.refType == "FOLLOWS_FROM")
            #expect(pay.references.last?.traceID == ViewerFixture.healthTrace.hexString)
            let log = try #require(pay.logs.first)
            #expect(log.timestamp == (ViewerFixture.checkoutStart + 600 * ViewerFixture.millisecond) / 1000)
            #expect(log.fields[tag: "event"] == .string("retry"))
            #expect(log.fields[tag: "attempt"] == .int64(2))
        }
    }

    @Test("trace search: service, operation, tags in every form, durations, time range and limit")
    func search() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let checkout = ViewerFixture.checkoutTrace.hexString
            func ids(_ query: String) async throws -> Set<String> {
                Set(try await Self.traces(port, query).map(\.traceID))
            }
            #expect(try await ids("service=payments") == [checkout])
            #expect(try await ids("service=frontend&limit=100").count == 9)
            #expect(try await ids("service=frontend&operation=\(viewerQuery("GET /health"))") == [ViewerFixture.healthTrace.hexString])
            #expect(try await ids("service=frontend&tag=http.status_code:500") == [checkout])
            #expect(try await ids("service=frontend&tags=\(viewerQuery("{\"http.status_code\":\"500\"}"))") == [checkout])
            #expect(try await ids("service=frontend&tags=\(viewerQuery("{\"http.status_code\":500}"))") == [checkout])
            #expect(try await ids("service=frontend&tags=\(viewerQuery("http.status_code=500 error=true"))") == [checkout])
            #expect(try await ids("tags=\(viewerQuery("{\"error\":\"true\"}"))") == [checkout])
            #expect(try await ids("service=frontend&tag=error:true") == [checkout])
            #expect(try await ids("service=frontend&tag=http.status_code:404").isEmpty)
            #expect(try await ids("service=frontend&minDuration=1s") == [checkout])
            #expect(try await ids("minDuration=1.2s") == [checkout])
            #expect(try await ids("service=frontend&maxDuration=6ms") == [ViewerFixture.healthTrace.hexString])
            #expect(try await ids("service=frontend&minDuration=20ms&maxDuration=100ms") == [ViewerFixture.hostileTrace.hexString])
            // The six quick traces started 29 to 24 minutes before "now"; the others within the last ten minutes.
            let now = ViewerFixture.now / 1000
            #expect(try await ids("service=frontend&start=\(now - 15 * 60_000_000)&end=\(now)").count == 3)
            #expect(try await ids("service=frontend&lookback=15m").count == 3)
            // `end` bounds the start time inclusively, as Jaeger's StartTimeMax does: 29, 28, 27 and 26 minutes ago.
            #expect(try await ids("service=frontend&operation=\(viewerQuery("GET /items"))&end=\(now - 26 * 60_000_000)").count == 4)
            #expect(try await ids("service=frontend&limit=2").count == 2)
            let newest = try await Self.traces(port, "service=frontend&operation=\(viewerQuery("GET /items"))&limit=1")
            #expect(newest.map(\.traceID) == [ViewerFixture.quickTrace(6).hexString])
            #expect(try await ids("traceID=\(checkout)&traceID=\(ViewerFixture.healthTrace.hexString)").count == 2)
        }
    }

    @Test("dependencies: calls between services from parent-child links, in Jaeger's shape")
    func dependencies() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let endTs = ViewerFixture.now / 1_000_000
            let links = try await viewerGET(port, "/api/dependencies?endTs=\(endTs)&lookback=3600000").dataArray()
            #expect(links.count == 1)
            #expect(links.first?["parent"] as? String == "frontend")
            #expect(links.first?["child"] as? String == "payments")
            #expect(links.first?["callCount"] as? Int == 1)
            // A window before the checkout started has none.
            let before = try await viewerGET(port, "/api/dependencies?endTs=\(endTs - 11 * 60_000)&lookback=60000").dataArray()
            #expect(before.isEmpty)
            #expect(try await viewerGET(port, "/api/dependencies?endTs=soon").status == 400)
        }
    }

    @Test("bad parameters and ids answer 400 in Jaeger's error shape; unknown traces 404")
    func errors() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            for path in [
                "/api/traces/not-hex", "/api/traces/\(String(repeating: "a", count: 33))", "/api/traces?minDuration=fast",
                "/api/traces?start=yesterday", "/api/traces?limit=-1", "/api/traces?tag=novalue",
                "/api/traces?tags=%7Bbroken", "/api/traces?minDuration=2s&maxDuration=1s", "/api/v1/logs?severity=loud",
                "/api/v1/query?metric=http.server.requests&stat=p42",
            ] {
                let answer = try await viewerGET(port, path)
                #expect(answer.status == 400, "\(path): \(answer.text)")
                let envelope = try Self.decode(JaegerModel.Envelope<[String]>.self, answer)
                #expect(envelope.data == nil)
                #expect(envelope.errors?.first?.code == 400, "\(path)")
                #expect(envelope.errors?.first?.msg.isEmpty == false)
            }
            let missing = try await viewerGET(port, "/api/traces/\(TraceID(high: 9, low: 9).hexString)")
            #expect(missing.status == 404)
            #expect(try Self.decode(JaegerModel.Envelope<[String]>.self, missing).errors?.first?.code == 404)
            // Jaeger accepts 64-bit ids, left-padded.
            let short = try await viewerGET(port, "/api/traces/2222")
            #expect(short.status == 404)
            let padded = try await viewerGET(port, "/api/traces/\(String(ViewerFixture.healthTrace.hexString.drop { $0 == "0" }))")
            #expect(padded.status == 200)
        }
    }

    @Test("several traceIDs: the found traces, and an errors entry per unknown id, as Jaeger answers")
    func unknownTraceIDs() async throws {
        let store = try await ViewerFixture.store()
        try await withViewerServer(store: store) { port in
            let unknown = TraceID(high: 0xDEAD, low: 0xBEEF).hexString
            let answer = try await viewerGET(port, "/api/traces?traceID=\(ViewerFixture.checkoutTrace.hexString)&traceID=\(unknown)")
            #expect(answer.status == 200)
            let json = try answer.json()
            #expect((json["data"] as? [Any])?.count == 1)
            let errors = try #require(json["errors"] as? [[String: Any]], "\(answer.text.prefix(300))")
            #expect(errors.count == 1)
            #expect(errors.first?["msg"] as? String == "trace not found")
            #expect(errors.first?["traceID"] as? String == unknown)
        }
    }
}
