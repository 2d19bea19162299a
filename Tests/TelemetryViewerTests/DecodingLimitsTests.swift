import Telemetry
import Testing
import TelemetryViewer

/// The bounds the decoder puts on what a request may cost, and the rules both encodings must apply alike.
@Suite struct DecodingLimitsTests {
    private func reason(_ body: [UInt8], _ signal: Signal, _ encoding: OTLPEncoding, maxItems: Int) -> String? {
        do {
            _ = try OTLPRequestDecoder.decode(body, signal: signal, encoding: encoding, maxItems: maxItems)
            return nil
        } catch {
            return error.reason
        }
    }

    /// A span with `links` empty links: two bytes each on the wire, a whole `Link` each in the model.
    private func protobufSpanWithEmptyLinks(_ links: Int) -> [UInt8] {
        ProtoWriter.traceRequest { span in
            span.validSpanIDs()
            for _ in 0..<links { span.bytesField(13, []) }
        }
    }

    private func jsonSpanWithEmptyLinks(_ links: Int) -> [UInt8] {
        let linkList = Array(repeating: "{}", count: links).joined(separator: ",")
        return Array(
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","links":["#
                .utf8
        ) + Array(linkList.utf8) + Array("]}]}]}]}".utf8)
    }

    @Test func requestsHoldingMoreItemsThanTheBudgetAreRefused() throws {
        // The two envelopes are one item each, the span eight (256 bytes in the model) and each link two (56 bytes):
        // 2010 in all, in either encoding.
        let protobuf = protobufSpanWithEmptyLinks(1000)
        let json = jsonSpanWithEmptyLinks(1000)
        for (body, encoding) in [(protobuf, OTLPEncoding.protobuf), (json, .json)] {
            #expect(reason(body, .traces, encoding, maxItems: 2009)?.contains("too many items") == true)
            let batch = try OTLPRequestDecoder.decode(body, signal: .traces, encoding: encoding, maxItems: 2010)
            #expect(batch.spans.first?.links.count == 1000)
        }
    }

    @Test func packedNumbersCountOneItemEach() throws {
        // An exponential histogram point whose 1000 bucket counts take one byte each on the wire, eight in the model;
        // with the envelopes (1 each), the metric (6), the histogram (1), the point (5) and its buckets (1), 1015 items.
        func request(bucketCounts: Int) -> [UInt8] {
            ProtoWriter.message { request in
                request.messageField(1) { resourceMetrics in
                    resourceMetrics.messageField(2) { scopeMetrics in
                        scopeMetrics.messageField(2) { metric in
                            metric.stringField(1, "h")
                            metric.messageField(10) { histogram in
                                histogram.messageField(1) { point in
                                    point.messageField(8) { buckets in
                                        buckets.bytesField(2, Array(repeating: 1, count: bucketCounts))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let body = request(bucketCounts: 1000)
        #expect(reason(body, .metrics, .protobuf, maxItems: 1014)?.contains("too many items") == true)
        let batch = try OTLPRequestDecoder.decode(body, signal: .metrics, encoding: .protobuf, maxItems: 1015)
        guard case .exponentialHistogram(let points, _)? = batch.metrics.first?.data else {
            Issue.record("no histogram: \(batch)")
            return
        }
        #expect(points.first?.positive.bucketCounts.count == 1000)
    }

    @Test func unknownJSONEnumNamesReadAsUnspecifiedLikeUnknownNumbers() throws {
        let spans = try OTLPRequestDecoder.decode(
            Array(
                #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","kind":"SPAN_KIND_SIDEWAYS","status":{"code":"STATUS_CODE_MAYBE"}},{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","kind":9}]}]}]}"#
                    .utf8
            ),
            signal: .traces,
            encoding: .json
        ).spans
        #expect(spans.map(\.kind) == [.unspecified, .unspecified])
        #expect(spans.first?.statusCode == .unset)
        let logs = try OTLPRequestDecoder.decode(
            Array(#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"SEVERITY_NUMBER_LOUD"}]}]}]}"#.utf8),
            signal: .logs,
            encoding: .json
        ).logRecords
        #expect(logs.count == 1)
        #expect(logs.first?.severityNumber == 0)
    }

    private enum Nesting: CaseIterable {
        case arrays, maps
    }

    private func protobufNested(_ nesting: Nesting, levels: Int) -> [UInt8] {
        var value = ProtoWriter.message { $0.stringField(1, "leaf") }
        for _ in 1..<levels {
            let inner = value
            value = ProtoWriter.message { anyValue in
                switch nesting {
                case .arrays:
                    anyValue.messageField(5) { array in array.bytesField(1, inner) }
                case .maps:
                    anyValue.messageField(6) { list in
                        list.messageField(1) { keyValue in
                            keyValue.stringField(1, "k")
                            keyValue.bytesField(2, inner)
                        }
                    }
                }
            }
        }
        return ProtoWriter.traceRequest { span in
            span.validSpanIDs()
            span.messageField(9) { keyValue in
                keyValue.stringField(1, "deep")
                keyValue.bytesField(2, value)
            }
        }
    }

    private func jsonNested(_ nesting: Nesting, levels: Int) -> [UInt8] {
        var value = #"{"stringValue":"leaf"}"#
        for _ in 1..<levels {
            switch nesting {
            case .arrays: value = #"{"arrayValue":{"values":["# + value + "]}}"
            case .maps: value = #"{"kvlistValue":{"values":[{"key":"k","value":"# + value + "}]}}"
            }
        }
        return Array(
            (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","attributes":[{"key":"deep","value":"#
                + value + "}]}]}]}]}").utf8
        )
    }

    private func depth(of value: TelemetryValue) -> Int {
        switch value {
        case .array(let items): 1 + (items.first.map(depth) ?? 0)
        case .keyValueList(let entries): 1 + (entries.first.map { depth(of: $0.value) } ?? 0)
        default: 1
        }
    }

    @Test func valuesNestAsDeeplyInProtobufAsInJSON() throws {
        let limit = OTLPRequestDecoder.maximumValueDepth
        for nesting in Nesting.allCases {
            for (encoding, build) in [(OTLPEncoding.protobuf, protobufNested), (.json, jsonNested)] {
                let atLimit = try OTLPRequestDecoder.decode(build(nesting, limit), signal: .traces, encoding: encoding)
                let value = try #require(atLimit.spans.first?.attributes.first?.value)
                #expect(depth(of: value) == limit, "\(nesting) in \(encoding)")
                let over = reason(build(nesting, limit + 1), .traces, encoding, maxItems: OTLPRequestDecoder.defaultMaxItems)
                #expect(over?.contains("nested deeper than \(limit) levels") == true, "\(nesting) in \(encoding): \(over ?? "accepted")")
            }
        }
    }

    @Test func pointsRejectedFromAReplacedMetricKindAreNotCounted() throws {
        // A gauge whose one point has an exemplar with a 3-byte trace id, replaced by a sum with a good point.
        let protobuf = ProtoWriter.message { request in
            request.messageField(1) { resourceMetrics in
                resourceMetrics.messageField(2) { scopeMetrics in
                    scopeMetrics.messageField(2) { metric in
                        metric.stringField(1, "m")
                        metric.messageField(5) { gauge in
                            gauge.messageField(1) { point in
                                point.fixed64Field(4, 1.0.bitPattern)
                                point.messageField(5) { exemplar in exemplar.bytesField(5, [1, 2, 3]) }
                            }
                        }
                        metric.messageField(7) { sum in
                            sum.messageField(1) { point in point.fixed64Field(4, 2.0.bitPattern) }
                        }
                    }
                }
            }
        }
        let json = Array(
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asDouble":1,"exemplars":[{"traceId":"010203"}]}]},"sum":{"dataPoints":[{"asDouble":2}]}}]}]}]}"#
                .utf8
        )
        for (body, encoding) in [(protobuf, OTLPEncoding.protobuf), (json, .json)] {
            let batch = try OTLPRequestDecoder.decode(body, signal: .metrics, encoding: encoding)
            #expect(batch.rejected == 0, "\(encoding): \(batch.rejectionReason)")
            guard case .sum(let points, _, _)? = batch.metrics.first?.data else {
                Issue.record("\(encoding): no sum in \(batch)")
                continue
            }
            #expect(points.count == 1)
        }
        // The same gauge alone still has its point rejected.
        let gaugeOnly = Array(
            #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asDouble":1,"exemplars":[{"traceId":"010203"}]}]}}]}]}]}"#
                .utf8
        )
        #expect(try OTLPRequestDecoder.decode(gaugeOnly, signal: .metrics, encoding: .json).rejected == 1)
    }
}

/// What a sender controls is not echoed or parsed without bound.
@Suite struct DecodingSenderInputTests {
    private let ids = #""traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174""#

    private func spans(_ spanFields: String) throws(OTLPDecodingError) -> ReceivedBatch {
        try OTLPRequestDecoder.decode(
            Array(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"# .utf8) + Array(spanFields.utf8) + Array("}]}]}]}".utf8),
            signal: .traces,
            encoding: .json
        )
    }

    @Test func rejectionReasonsQuoteAtMost128CharactersOfAName() throws {
        let name = String(repeating: "n", count: 10_000)
        let batch = try spans(#""traceId":"00","spanId":"eee19b7ec3c1b174","name":""# + name + #"""#)
        #expect(batch.rejected == 1)
        #expect(batch.rejectionReason.contains(String(repeating: "n", count: 128) + "…"))
        #expect(batch.rejectionReason.count < 300)
    }

    @Test func overlongNumbersAreRefused() throws {
        let digits = String(repeating: "1", count: 2000)
        #expect(throws: OTLPDecodingError.self) {
            try spans(ids + #","attributes":[{"key":"d","value":{"doubleValue":0."# + digits + "}}]")
        }
        let value = try spans(ids + #","attributes":[{"key":"d","value":{"doubleValue":0.5}}]"#).spans.first?.attributes
        #expect(value?.first?.value == .double(0.5))
    }

    @Test func controlCharactersInKeysAreRefused() {
        #expect(throws: OTLPDecodingError.self) { try spans(ids + ",\"na\u{01}me\":\"x\"") }
    }
}
