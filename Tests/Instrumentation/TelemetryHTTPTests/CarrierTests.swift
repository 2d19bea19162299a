import HTTPTypes
import NIOHTTP1
import Telemetry
import TelemetryHTTP
import Testing
import Tracing

@Suite("HTTPFields and HTTPHeaders carriers")
struct CarrierTests {
    let traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    @Test("HTTPFields: case-insensitive lookup, repeated fields joined with \",\" in order, bad names find nothing")
    func fieldsExtraction() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: try #require(HTTPField.Name("TraceState")), value: "a=1"))
        fields.append(HTTPField(name: try #require(HTTPField.Name("X-Other")), value: "x"))
        fields.append(HTTPField(name: try #require(HTTPField.Name("tracestate")), value: "b=2"))
        let extractor = HTTPFieldsExtractor()
        #expect(extractor.extract(key: "tracestate", from: fields) == "a=1,b=2")
        #expect(extractor.extract(key: "TRACESTATE", from: fields) == "a=1,b=2")
        #expect(extractor.extract(key: "x-other", from: fields) == "x")
        #expect(extractor.extract(key: "missing", from: fields) == nil)
        #expect(extractor.extract(key: "bad name\r\n", from: fields) == nil)
        #expect(extractor.keys(in: fields) == ["tracestate", "x-other"])
    }

    @Test("HTTPFields: injection replaces earlier values and skips invalid names")
    func fieldsInjection() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: try #require(HTTPField.Name("traceparent")), value: "stale"))
        let injector = HTTPFieldsInjector()
        injector.inject(traceparent, forKey: "traceparent", into: &fields)
        injector.inject("v", forKey: "bad name", into: &fields)
        #expect(fields[values: try #require(HTTPField.Name("traceparent"))] == [traceparent])
        #expect(fields.count == 1)
    }

    @Test("HTTPHeaders: case-insensitive lookup, repeated fields joined with \",\" in order")
    func headersExtraction() {
        let headers = HTTPHeaders([("TraceState", "a=1"), ("X-Other", "x"), ("tracestate", "b=2")])
        let extractor = HTTPHeadersExtractor()
        #expect(extractor.extract(key: "tracestate", from: headers) == "a=1,b=2")
        #expect(extractor.extract(key: "TRACESTATE", from: headers) == "a=1,b=2")
        #expect(extractor.extract(key: "missing", from: headers) == nil)
        #expect(extractor.keys(in: headers) == ["tracestate", "x-other"])
    }

    @Test("HTTPHeaders: injection replaces earlier values whatever their case, and refuses line breaks")
    func headersInjection() {
        var headers = HTTPHeaders([("TraceParent", "stale")])
        let injector = HTTPHeadersInjector()
        injector.inject(traceparent, forKey: "traceparent", into: &headers)
        injector.inject("a\r\nInjected: yes", forKey: "baggage", into: &headers)
        #expect(headers["traceparent"] == [traceparent])
        #expect(headers.count == 1)
    }

    @Test("the W3C propagators read repeated tracestate and baggage fields as one list, through both carriers")
    func propagatorsReadJoinedLists() throws {
        let propagator = CompositePropagator([W3CTraceContextPropagator(), W3CBaggagePropagator()])
        let pairs = [
            ("traceparent", traceparent), ("tracestate", "a=1"), ("TraceState", "b=2"),
            ("baggage", "user=alice"), ("Baggage", "tier=gold"),
        ]
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: try #require(HTTPField.Name(name)), value: value)) }
        let headers = HTTPHeaders(pairs)

        var fromFields = ServiceContext.topLevel
        propagator.extract(fields, into: &fromFields, using: HTTPFieldsExtractor())
        var fromHeaders = ServiceContext.topLevel
        propagator.extract(headers, into: &fromHeaders, using: HTTPHeadersExtractor())

        for context in [fromFields, fromHeaders] {
            let span = try #require(context.spanContext)
            #expect(span.traceID.hexString == "0af7651916cd43dd8448eb211c80319c")
            #expect(span.isRemote)
            #expect(span.traceState.entries.map(\.key) == ["a", "b"])
            #expect(context.baggage?["user"] == "alice")
            #expect(context.baggage?["tier"] == "gold")
        }

        // Round trip: what is extracted injects back as one traceparent.
        var out = HTTPFields()
        propagator.inject(fromFields, into: &out, using: HTTPFieldsInjector())
        #expect(out[try #require(HTTPField.Name("traceparent"))] == traceparent)
        var outHeaders = HTTPHeaders()
        propagator.inject(fromHeaders, into: &outHeaders, using: HTTPHeadersInjector())
        #expect(outHeaders["traceparent"] == [traceparent])
        #expect(outHeaders["tracestate"] == ["a=1,b=2"])
    }

    @Test("two traceparent fields join into no parent, and a malformed one is ignored")
    func conflictingParents() throws {
        let propagator = W3CTraceContextPropagator()
        var fields = HTTPFields()
        let name = try #require(HTTPField.Name("traceparent"))
        fields.append(HTTPField(name: name, value: traceparent))
        fields.append(HTTPField(name: name, value: "00-11111111111111111111111111111111-2222222222222222-01"))
        var context = ServiceContext.topLevel
        propagator.extract(fields, into: &context, using: HTTPFieldsExtractor())
        #expect(context.spanContext == nil)

        let garbage = HTTPHeaders([("traceparent", "not-a-traceparent")])
        var other = ServiceContext.topLevel
        propagator.extract(garbage, into: &other, using: HTTPHeadersExtractor())
        #expect(other.spanContext == nil)
    }
}
