import CompressNIO
import Foundation
import NIOCore
import Testing

@testable import TelemetryViewer

@Suite("The receiver's answers are encoded as opentelemetry-proto and google.rpc define them")
struct ReceiverResponseEncodingTests {
    @Test("A partial success is field 1 holding the rejected count (field 1) and the message (field 2)")
    func partialSuccessProtobuf() {
        let bytes = OTLPResponseEncoder.exportResponse(signal: .traces, rejected: 3, message: "bad", encoding: .protobuf)
        #expect(bytes == [0x0A, 0x07, 0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64])
    }

    @Test("A fully accepted request gets an empty response")
    func fullSuccess() {
        #expect(OTLPResponseEncoder.exportResponse(signal: .logs, rejected: 0, message: "", encoding: .protobuf) == [])
        #expect(String(decoding: OTLPResponseEncoder.exportResponse(signal: .logs, rejected: 0, message: "", encoding: .json), as: UTF8.self) == "{}")
    }

    @Test("A warning without rejections is still sent as a partial success", arguments: [Signal.traces, .metrics, .logs])
    func warningOnly(signal: Signal) throws {
        let bytes = OTLPResponseEncoder.exportResponse(signal: signal, rejected: 0, message: "careful", encoding: .protobuf)
        let partial = try #require(try ReceiverProtobufFields.partialSuccess(bytes))
        #expect(partial.rejected == 0)
        #expect(partial.message == "careful")
    }

    @Test(
        "The JSON response uses each signal's field name, 64-bit counts as strings",
        arguments: [(Signal.traces, "rejectedSpans"), (.metrics, "rejectedDataPoints"), (.logs, "rejectedLogRecords")]
    )
    func partialSuccessJSON(signal: Signal, field: String) throws {
        let bytes = OTLPResponseEncoder.exportResponse(signal: signal, rejected: 7, message: "a \"quoted\"\nline", encoding: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let partial = try #require(object["partialSuccess"] as? [String: Any])
        #expect(partial[field] as? String == "7")
        #expect(partial["errorMessage"] as? String == "a \"quoted\"\nline")
    }

    @Test("google.rpc.Status carries the code, the message and a RetryInfo detail, in protobuf and JSON")
    func status() throws {
        let protobuf = OTLPResponseEncoder.status(
            code: .unavailable, message: "busy", details: [.retryInfo(delaySeconds: 2)], encoding: .protobuf
        )
        let status = try ReceiverProtobufFields.status(protobuf)
        #expect(status.code == 14)
        #expect(status.message == "busy")
        let detail = try #require(try ReceiverProtobufFields.parse(protobuf).first { $0.number == 3 })
        guard case .bytes(let any) = detail.value else { Issue.record("details is not a message"); return }
        let anyFields = try ReceiverProtobufFields.parse(any)
        #expect(anyFields.first?.value == .bytes(Array("type.googleapis.com/google.rpc.RetryInfo".utf8)))
        // RetryInfo { retry_delay = Duration { seconds = 2 } }
        #expect(anyFields.last?.value == .bytes([0x0A, 0x02, 0x08, 0x02]))

        let json = OTLPResponseEncoder.status(code: .invalidArgument, message: "no\u{1}", encoding: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["code"] as? Int == 3)
        #expect(object["message"] as? String == "no\u{1}")
    }
}

@Suite("The receiver reads OTLP/HTTP's Content-Type and Content-Encoding as the specification allows")
struct ReceiverHeaderTests {
    @Test("Media types are matched without parameters or case")
    func contentTypes() {
        #expect(OTLPHTTPRequestHeaders.encoding(contentType: "application/x-protobuf") == .protobuf)
        #expect(OTLPHTTPRequestHeaders.encoding(contentType: "Application/JSON; charset=utf-8") == .json)
        #expect(OTLPHTTPRequestHeaders.encoding(contentType: " application/json ;charset=UTF-8") == .json)
        #expect(OTLPHTTPRequestHeaders.encoding(contentType: "application/protobuf") == nil)
        #expect(OTLPHTTPRequestHeaders.encoding(contentType: "text/plain") == nil)
        #expect(OTLPHTTPRequestHeaders.encoding(contentType: nil) == nil)
    }

    @Test("gzip and identity are understood; other or stacked codings are not")
    func contentCodings() {
        #expect(OTLPHTTPRequestHeaders.contentCoding([]) == .identity)
        #expect(OTLPHTTPRequestHeaders.contentCoding(["identity"]) == .identity)
        #expect(OTLPHTTPRequestHeaders.contentCoding(["GZIP"]) == .gzip)
        #expect(OTLPHTTPRequestHeaders.contentCoding(["identity, gzip"]) == .gzip)
        #expect(OTLPHTTPRequestHeaders.contentCoding(["br"]) == nil)
        #expect(OTLPHTTPRequestHeaders.contentCoding(["gzip", "gzip"]) == nil)
        #expect(OTLPHTTPRequestHeaders.contentCoding(["deflate"]) == nil)
    }
}

@Suite("Gzip bodies are inflated only up to the size limit, and broken ones are refused")
struct ReceiverGzipTests {
    static func gzip(_ bytes: [UInt8]) throws -> ByteBuffer {
        var buffer = ByteBuffer(bytes: bytes)
        return try buffer.compress(with: .gzip())
    }

    @Test("A valid body inflates to what was compressed, also exactly at the limit")
    func roundTrip() throws {
        let original = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(try Array(buffer: GzipBody.inflate(Self.gzip(original), limit: 1 << 20)) == original)
        #expect(try Array(buffer: GzipBody.inflate(Self.gzip(original), limit: original.count)) == original)
        #expect(try Array(buffer: GzipBody.inflate(Self.gzip([]), limit: 10)) == [])
    }

    @Test("A body that inflates past the limit is refused as too large (a zip bomb)")
    func bomb() throws {
        let compressed = try Self.gzip([UInt8](repeating: 0, count: 8 << 20))
        #expect(compressed.readableBytes < 64 * 1024)
        #expect(throws: GzipBodyError.tooLarge) { try GzipBody.inflate(compressed, limit: 1 << 20) }
        #expect(throws: GzipBodyError.tooLarge) { try GzipBody.inflate(compressed, limit: (8 << 20) - 1) }
    }

    @Test("Truncated, corrupt, empty and trailing-garbage bodies are malformed")
    func malformed() throws {
        let whole = Array(buffer: try Self.gzip(Array("hello, receiver".utf8)))
        func isMalformed(_ bytes: [UInt8]) -> Bool {
            do {
                _ = try GzipBody.inflate(ByteBuffer(bytes: bytes), limit: 1 << 20)
                return false
            } catch {
                if case .malformed = error { return true }
                return false
            }
        }
        #expect(isMalformed(Array(whole.dropLast(4))))
        #expect(isMalformed(Array(whole.prefix(12))))
        #expect(isMalformed(Array("not gzip at all".utf8)))
        #expect(isMalformed([]))
        #expect(isMalformed(whole + [0x00, 0x01]))
        var corrupt = whole
        corrupt[corrupt.count - 6] ^= 0xFF  // inside the CRC32 trailer
        #expect(isMalformed(corrupt))
    }
}
