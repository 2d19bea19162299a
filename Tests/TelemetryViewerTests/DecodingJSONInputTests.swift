import Telemetry
import Testing
import TelemetryViewer

/// OTLP/JSON beyond what json_format writes: the spellings the specification allows, and bad input, which must be
/// refused with a reason and never crash.
@Suite struct DecodingJSONInputTests {
    private func decode(_ text: String, signal: Signal = .traces) throws(OTLPDecodingError) -> ReceivedBatch {
        try OTLPRequestDecoder.decode(Array(text.utf8), signal: signal, encoding: .json)
    }

    private func reason(_ text: String, signal: Signal = .traces) -> String? {
        do {
            _ = try decode(text, signal: signal)
            return nil
        } catch {
            return error.reason
        }
    }

    private func spanRequest(_ spanFields: String, resource: String = "{}") -> String {
        """
        {"resourceSpans":[{"resource":\(resource),"scopeSpans":[{"scope":{"name":"s"},"spans":[{\(spanFields)}]}]}]}
        """
    }

    private let ids = #""traceId":"5B8EFFF798038103d269b633813fc60c","spanId":"EEE19B7EC3C1B174""#

    @Test func truncationAtEveryOffsetThrows() throws {
        for name in ["every trace field", "every metric kind", "every log field"] {
            let item = try ViewerRequestsPeer.case(named: name)
            for body in item.json {
                for length in 0..<body.count {
                    #expect(throws: OTLPDecodingError.self, "\(name) cut at \(length)") {
                        try OTLPRequestDecoder.decode(Array(body[..<length]), signal: item.signal, encoding: .json)
                    }
                }
            }
        }
    }

    @Test func idsAreCaseInsensitiveHex() throws {
        let span = try #require(try decode(spanRequest(ids + #","name":"x""#)).spans.first)
        #expect(span.traceID == TraceID(hexString: "5b8efff798038103d269b633813fc60c"))
        #expect(span.spanID == SpanID(hexString: "eee19b7ec3c1b174"))
    }

    @Test func base64IdsAreRejectedAsPartialSuccess() throws {
        let batch = try decode(spanRequest(#""traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"b64""#))
        #expect(batch.spans.isEmpty)
        #expect(batch.rejected == 1)
        #expect(batch.rejectionReason == "span \"b64\": trace_id is 24 hex digits long, not 32")
        let notHex = try decode(spanRequest(#""traceId":"5b8efff798038103d269b633813fc60g","spanId":"eee19b7ec3c1b174""#))
        #expect(notHex.rejectionReason.contains("trace_id is not hexadecimal"))
    }

    @Test func integersAndEnumsTakeEverySpellingTheMappingAllows() throws {
        let text = spanRequest(
            ids + #","name":"n","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":"18446744073709551615","#
                + #""endTimeUnixNano":1e3,"flags":"257","droppedAttributesCount":5.0,"#
                + #""status":{"code":2,"message":"m"},"#
                + #""attributes":[{"key":"i","value":{"intValue":-9223372036854775808}},"#
                + #"{"key":"s","value":{"intValue":"-42"}},{"key":"d","value":{"doubleValue":"NaN"}},"#
                + #"{"key":"inf","value":{"doubleValue":"-Infinity"}},{"key":"e","value":{"doubleValue":1.5e-3}},"#
                + #"{"key":"b","value":{"bytesValue":"AP8_-w"}},{"key":"n","value":null},"#
                + #"{"key":"u","value":{"stringValue":"\u00e9\ud83c\udf0d\ud800\n\"\/"}}]"#
        )
        let span = try #require(try decode(text).spans.first)
        #expect(span.kind == .client)
        #expect(span.startTimeUnixNano == .max)
        #expect(span.endTimeUnixNano == 1000)
        #expect(span.flags == 257)
        #expect(span.droppedAttributesCount == 5)
        #expect(span.statusCode == .error)
        #expect(span.attributes[key: "i"] == .int(.min))
        #expect(span.attributes[key: "s"] == .int(-42))
        if case .double(let nan)? = span.attributes[key: "d"] { #expect(nan.isNaN) } else { Issue.record("no NaN") }
        #expect(span.attributes[key: "inf"] == .double(-.infinity))
        #expect(span.attributes[key: "e"] == .double(0.0015))
        #expect(span.attributes[key: "b"] == .bytes([0x00, 0xFF, 0x3F, 0xFB]))
        #expect(span.attributes[key: "n"] == .empty)
        #expect(span.attributes[key: "u"] == .string("é🌍\u{FFFD}\n\"/"))
    }

    @Test func snakeCaseKeysAndUnknownFieldsAreAccepted() throws {
        let text = """
            {"resource_spans":[{"future_field":{"a":[1,{"b":null}],"c":"\\u0041"},
              "scope_spans":[{"spans":[{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174",
                "parent_span_id":"","start_time_unix_nano":"5","unknown":[true,false,null,-0.5e+2]}]}],
              "resource":{"attributes":[{"key":"service.name","value":{"string_value":"late"}}]},
              "schema_url":"u"}]}
            """
        let span = try #require(try decode(text).spans.first)
        #expect(span.startTimeUnixNano == 5)
        #expect(span.parentSpanID == .invalid)
        #expect(span.resource.serviceName == "late")
        #expect(span.resource.schemaURL == "u")
    }

    @Test func badJSONIsRefusedWithAReason() {
        let cases: [(String, String)] = [
            ("", "expected an object"),
            ("[]", "expected an object"),
            ("null", "expected an object"),
            ("{", "expected a key"),
            (#"{"resourceSpans":[}"#, "expected an object"),
            ("{} x", "unexpected data after the request"),
            (#"{"a":01}"#, "expected a value"),
            (#"{"a":"\x"}"#, "invalid escape"),
            ("{\"a\":\"\u{01}\"}", "control character"),
            (#"{"a":tru}"#, "expected true"),
            (#"{"a" 1}"#, "':' after a key"),
            (#"{"a":1,}"#, "expected a key"),
            (#"{"a":"unterminated}"#, "not closed"),
        ]
        for (text, expected) in cases {
            let reason = reason(text)
            #expect(reason?.contains(expected) == true, "\(text): \(reason ?? "decoded")")
        }
        #expect(reason("  {}\n") == nil)
        #expect(reason(spanRequest(ids + #","startTimeUnixNano":"12.5""#))?.contains("unsigned integer") == true)
        #expect(reason(spanRequest(ids + #","startTimeUnixNano":-1"#))?.contains("unsigned integer") == true)
        #expect(reason(spanRequest(ids + #","startTimeUnixNano":18446744073709551616"#)) != nil)
        #expect(reason(spanRequest(ids + #","flags":4294967296"#)) != nil)
        #expect(reason(spanRequest(ids + #","attributes":[{"key":"b","value":{"bytesValue":"A==="}}]"#))?.contains("base64") == true)
        #expect(reason(spanRequest(ids + #","attributes":[{"key":"d","value":{"doubleValue":"nan"}}]"#)) != nil)
        #expect(reason(spanRequest(ids + #","name":5"#))?.contains("expected a string") == true)
    }

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        func nested(_ depth: Int) -> String {
            let open = String(repeating: #"{"arrayValue":{"values":["#, count: depth)
            let close = String(repeating: "]}}", count: depth)
            return spanRequest(ids + #","attributes":[{"key":"k","value":"# + open + #"{"stringValue":"leaf"}"# + close + "}]")
        }
        #expect(try decode(nested(10)).spans.count == 1)
        #expect(reason(nested(40))?.contains("nested deeper than 32 levels") == true)
        let brackets = "{\"x\":" + String(repeating: "[", count: 1_000_000)
        #expect(reason(brackets)?.contains("nested deeper than \(16 + 4 * OTLPRequestDecoder.maximumValueDepth) levels") == true)
    }

    @Test func metricsAndLogsAcceptEnumNamesAndNumbers() throws {
        let metrics = try decode(
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"c","sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA","isMonotonic":true,"dataPoints":[{"asInt":"7","timeUnixNano":"1"}]}},"#
                + #"{"name":"h","histogram":{"aggregationTemporality":2,"dataPoints":[{"count":"3","bucketCounts":["1",2],"explicitBounds":[1.5],"sum":"Infinity"},{"bucketCounts":[1,2]}]}}]}]}]}"#,
            signal: .metrics
        )
        #expect(metrics.metrics.first?.data == .sum([.init(timeUnixNano: 1, value: .int(7))], temporality: .delta, isMonotonic: true))
        #expect(metrics.metrics.last?.data == .histogram([.init(timeUnixNano: 0, count: 3, sum: .infinity, bucketCounts: [1, 2], explicitBounds: [1.5])], temporality: .cumulative))
        #expect(metrics.rejected == 1)
        #expect(metrics.rejectionReason == "metric \"h\": a histogram point has 2 bucket counts for 0 bounds")

        let logs = try decode(
            #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"SEVERITY_NUMBER_WARN3","body":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":true}}]}}},{"severityNumber":24,"traceId":"00"}]}]}]}"#,
            signal: .logs
        )
        #expect(logs.logRecords.first?.severityNumber == 15)
        #expect(logs.logRecords.first?.body == .keyValueList([KeyValue("k", .bool(true))]))
        #expect(logs.rejected == 1)
        #expect(logs.rejectionReason == "log record: trace_id is 2 hex digits long, not 32")
    }
}
