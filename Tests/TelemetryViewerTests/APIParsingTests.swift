import Telemetry
import Testing

@testable import TelemetryViewer

@Suite("API: parameter parsing and JSON writing")
struct APIParsingTests {
    @Test("Go durations as Jaeger takes them", arguments: [
        ("1s", 1_000_000_000), ("500ms", 500_000_000), ("1.5s", 1_500_000_000), ("250us", 250_000), ("250µs", 250_000),
        ("1h30m", 5_400_000_000_000), ("10ns", 10), ("0", 0), ("2d", 172_800_000_000_000),
    ] as [(String, UInt64)])
    func durations(text: String, nanoseconds: UInt64) {
        #expect(GoDuration.nanoseconds(text) == nanoseconds)
    }

    @Test("malformed durations are refused, not guessed", arguments: ["", "s", "1", "1x", "fast", "-1s", "1e400s", "1..2s"])
    func badDurations(text: String) {
        #expect(GoDuration.nanoseconds(text) == nil)
    }

    @Test("tags: key:value, JSON with any scalar, and logfmt with quotes merge")
    func tags() throws {
        let parameters = QueryParameters(
            "tag=http.route:/a:b&tags=%7B%22http.status_code%22%3A500%2C%22ok%22%3Atrue%7D&tags=error%3Dtrue+msg%3D%22two+words%22"
        )
        let search = try TraceSearchParameters(parameters, now: 0)
        #expect(search.query.tags == ["http.route": "/a:b", "http.status_code": "500", "ok": "true", "error": "true", "msg": "two words"])
        #expect(throws: QueryParameterError.self) { try TraceSearchParameters(QueryParameters("tags=novalue"), now: 0) }
        #expect(throws: QueryParameterError.self) { try TraceSearchParameters(QueryParameters("tags=%7B%22a%22%3A%5B%5D%7D"), now: 0) }
    }

    @Test("form decoding: plus is a space, escapes decode, repeated names keep order, empty means absent")
    func queryParameters() {
        let parameters = QueryParameters("service=my+svc&operation=GET%20%2Fa&tag=a:1&tag=b:2&limit=&broken=%zz")
        #expect(parameters["service"] == "my svc")
        #expect(parameters["operation"] == "GET /a")
        #expect(parameters.all("tag") == ["a:1", "b:2"])
        #expect(parameters["limit"] == nil)
        #expect(parameters["broken"] == "%zz")
    }

    @Test("trace ids: 32 or fewer hex digits, either case, left-padded")
    func traceIDs() {
        #expect(TraceSearchParameters.traceID("ABCDEF") == TraceID(high: 0, low: 0xABCDEF))
        #expect(TraceSearchParameters.traceID(String(repeating: "f", count: 32)) == TraceID(high: .max, low: .max))
        #expect(TraceSearchParameters.traceID("") == nil)
        #expect(TraceSearchParameters.traceID("xyz") == nil)
        #expect(TraceSearchParameters.traceID(String(repeating: "1", count: 33)) == nil)
    }

    @Test("JSON text escapes what could end a script element, and never fails on NaN")
    func json() {
        let value = JSONValue.object([
            ("name", .string("</script><b>\"&\u{1}\n")), ("nan", .double(.nan)), ("inf", .double(-.infinity)), ("n", .double(2)),
            ("x", .double(0.25)), ("big", .uint(.max)),
        ])
        let text = value.serialized()
        #expect(!text.contains("<") && !text.contains(">"))
        #expect(text == #"{"name":"\u003c/script\u003e\u003cb\u003e\"\u0026\u0001\n","nan":"NaN","inf":"-Inf","n":2,"x":0.25,"big":18446744073709551615}"#)
    }

    @Test("Jaeger's defaults: no start looks back two days unless lookback is given; limit 0 is the default; limit is capped")
    func jaegerDefaults() throws {
        let now: UInt64 = 10 * 24 * 3600 * 1_000_000_000
        let plain = try TraceSearchParameters(QueryParameters("service=a"), now: now)
        #expect(plain.query.startTimeMinimumUnixNano == now - TraceSearchParameters.defaultLookback)
        #expect(plain.query.limit == 100)
        let lookback = try TraceSearchParameters(QueryParameters("lookback=1h"), now: now)
        #expect(lookback.query.startTimeMinimumUnixNano == now - 3_600_000_000_000)
        let start = try TraceSearchParameters(QueryParameters("start=5"), now: now)
        #expect(start.query.startTimeMinimumUnixNano == 5_000)
        #expect(try TraceSearchParameters(QueryParameters("limit=0"), now: now).query.limit == 100)
        #expect(try TraceSearchParameters(QueryParameters("limit=0"), now: now, defaultLimit: 20).query.limit == 20)
        #expect(try TraceSearchParameters(QueryParameters("limit=1000000"), now: now).query.limit == 1_500)
        #expect(try TraceSearchParameters(QueryParameters("limit=7"), now: now).query.limit == 7)
    }
}
