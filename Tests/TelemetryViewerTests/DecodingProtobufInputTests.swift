import Testing
import TelemetryViewer

/// Protobuf input the official library does not write: hand-built encodings that are legal but unusual, and bad
/// input, which must be refused with a reason and never crash.
@Suite struct DecodingProtobufInputTests {
    private func decodeTraces(_ bytes: [UInt8]) throws(OTLPDecodingError) -> ReceivedBatch {
        try OTLPRequestDecoder.decode(bytes, signal: .traces, encoding: .protobuf)
    }

    private func reason(_ bytes: [UInt8], signal: Signal = .traces) -> String? {
        do {
            _ = try OTLPRequestDecoder.decode(bytes, signal: signal, encoding: .protobuf)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func truncationAtEveryOffsetThrowsOrDecodesAPrefix() throws {
        for name in ["every trace field", "every metric kind", "every log field"] {
            let item = try ViewerRequestsPeer.case(named: name)
            let full = try OTLPRequestDecoder.decode(item.protobuf, signal: item.signal, encoding: .protobuf)
            var decodedPrefixes = 0
            for length in 0..<item.protobuf.count {
                guard let batch = try? OTLPRequestDecoder.decode(Array(item.protobuf[..<length]), signal: item.signal, encoding: .protobuf)
                else { continue }
                decodedPrefixes += 1
                // Compared in the canonical shape, since NaN attributes make `==` false even for equal batches.
                let prefix = ReceivedBatch(
                    spans: Array(full.spans.prefix(batch.spans.count)),
                    metrics: Array(full.metrics.prefix(batch.metrics.count)),
                    logRecords: Array(full.logRecords.prefix(batch.logRecords.count))
                )
                let decoded = ReceivedBatch(spans: batch.spans, metrics: batch.metrics, logRecords: batch.logRecords)
                let difference = CanonicalBatch.firstDifference(CanonicalBatch.of(decoded), CanonicalBatch.of(prefix))
                #expect(difference == nil, "\(name) cut at \(length): \(difference ?? "")")
                #expect(batch.rejected <= full.rejected)
            }
            // Only cuts between top-level resource envelopes decode (the empty body among them).
            #expect(decodedPrefixes >= 1 && decodedPrefixes <= 4, "\(name): \(decodedPrefixes) prefixes decoded")
        }
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        let batch = try decodeTraces(ProtoWriter.traceRequest { span in
            span.varintField(100, 12345)
            span.fixed64Field(101, 1)
            span.bytesField(102, [1, 2, 3])
            span.fixed32Field(103, 7)
            span.validSpanIDs(name: "kept")
        })
        #expect(batch.spans.map(\.name) == ["kept"])
    }

    @Test func aResourceWrittenAfterItsSpansStillStampsThem() throws {
        let bytes = ProtoWriter.message { request in
            request.messageField(1) { resourceSpans in
                resourceSpans.messageField(2) { scopeSpans in
                    scopeSpans.messageField(2) { $0.validSpanIDs() }
                    scopeSpans.stringField(3, "scope-schema")
                    scopeSpans.messageField(1) { $0.stringField(1, "late scope") }
                }
                resourceSpans.stringField(3, "resource-schema")
                resourceSpans.messageField(1) { resource in
                    resource.messageField(1) { keyValue in
                        keyValue.stringField(1, "service.name")
                        keyValue.messageField(2) { $0.stringField(1, "late") }
                    }
                }
            }
        }
        let span = try #require(try decodeTraces(bytes).spans.first)
        #expect(span.resource.serviceName == "late")
        #expect(span.resource.schemaURL == "resource-schema")
        #expect(span.scope.name == "late scope")
        #expect(span.scope.schemaURL == "scope-schema")
    }

    @Test func unpackedRepeatedScalarsDecodeLikePackedOnes() throws {
        func request(packed: Bool) -> [UInt8] {
            ProtoWriter.message { request in
                request.messageField(1) { resourceMetrics in
                    resourceMetrics.messageField(2) { scopeMetrics in
                        scopeMetrics.messageField(2) { metric in
                            metric.stringField(1, "h")
                            metric.messageField(9) { histogram in
                                histogram.messageField(1) { point in
                                    let counts: [UInt64] = [1, 2, 3]
                                    let bounds: [Double] = [0.5, 1.5]
                                    if packed {
                                        point.bytesField(6, ProtoWriter.message { w in
                                            for count in counts { for s in stride(from: 0, to: 64, by: 8) { w.bytes.append(UInt8(truncatingIfNeeded: count >> UInt64(s))) } }
                                        })
                                        point.bytesField(7, ProtoWriter.message { w in
                                            for bound in bounds { for s in stride(from: 0, to: 64, by: 8) { w.bytes.append(UInt8(truncatingIfNeeded: bound.bitPattern >> UInt64(s))) } }
                                        })
                                    } else {
                                        for count in counts { point.fixed64Field(6, count) }
                                        for bound in bounds { point.fixed64Field(7, bound.bitPattern) }
                                    }
                                }
                            }
                        }
                        scopeMetrics.messageField(2) { metric in
                            metric.stringField(1, "e")
                            metric.messageField(10) { histogram in
                                histogram.messageField(1) { point in
                                    point.messageField(8) { buckets in
                                        buckets.varintField(1, 3)  // zigzag: -2
                                        if packed {
                                            buckets.bytesField(2, ProtoWriter.message { w in w.varint(300); w.varint(0); w.varint(UInt64.max) })
                                        } else {
                                            for count: UInt64 in [300, 0, .max] { buckets.varintField(2, count) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let packed = try OTLPRequestDecoder.decode(request(packed: true), signal: .metrics, encoding: .protobuf)
        let unpacked = try OTLPRequestDecoder.decode(request(packed: false), signal: .metrics, encoding: .protobuf)
        #expect(packed == unpacked)
        guard case .histogram(let points, _)? = packed.metrics.first?.data, let point = points.first else {
            Issue.record("no histogram decoded")
            return
        }
        #expect(point.bucketCounts == [1, 2, 3])
        #expect(point.explicitBounds == [0.5, 1.5])
        guard case .exponentialHistogram(let exponential, _)? = packed.metrics.last?.data else {
            Issue.record("no exponential histogram decoded")
            return
        }
        #expect(exponential.first?.positive == .init(offset: -2, bucketCounts: [300, 0, .max]))
    }

    @Test func invalidUTF8IsRepairedNotRefused() throws {
        let batch = try decodeTraces(ProtoWriter.traceRequest { span in
            span.validSpanIDs()
            span.bytesField(5, [0x61, 0xFF, 0xC3, 0x28, 0x62])
        })
        #expect(batch.spans.first?.name == "a\u{FFFD}\u{FFFD}(b")
    }

    @Test func aKnownFieldWithTheWrongWireTypeIsRefused() {
        let reason = reason(ProtoWriter.traceRequest { span in
            span.validSpanIDs()
            span.varintField(5, 1)
        })
        #expect(reason?.contains("Span: field 5") == true, "\(reason ?? "decoded")")
        #expect(reason?.contains("varint where length-delimited was expected") == true)
        #expect(self.reason(ProtoWriter.traceRequest { $0.bytesField(7, [1]) })?.contains("fixed64 was expected") == true)
    }

    @Test func groupsAndInvalidWireTypesAreRefused() {
        for wireType: UInt8 in [3, 4, 6, 7] {
            var writer = ProtoWriter()
            writer.key(1, wireType)
            let reason = reason(writer.bytes)
            #expect(reason != nil, "wire type \(wireType)")
            if wireType == 3 { #expect(reason?.contains("group") == true) }
        }
        var zero = ProtoWriter()
        zero.key(0, 0)
        zero.varint(1)
        #expect(reason(zero.bytes)?.contains("field number 0") == true)
    }

    @Test func hugeAndOverlongLengthsAreRefused() {
        var huge = ProtoWriter()
        huge.key(1, 2)
        huge.varint(1 << 62)
        #expect(reason(huge.bytes)?.contains("claims 4611686018427387904 bytes") == true)

        var pastTheEnd = ProtoWriter()
        pastTheEnd.key(1, 2)
        pastTheEnd.varint(10)
        pastTheEnd.bytes += [0, 0, 0]
        #expect(reason(pastTheEnd.bytes)?.contains("only 3 remain") == true)

        // A nested length that fits the body but not its enclosing message.
        let inner = ProtoWriter.message { request in
            request.key(1, 2)
            request.varint(2)
            request.key(2, 2)
            request.varint(5)
        } + [0, 0, 0, 0, 0]
        #expect(reason(inner) != nil)
    }

    @Test func truncatedAndOverlongVarintsAreRefused() {
        // Field 9 is unknown to every request, so these are read only to be skipped.
        #expect(reason([0x48, 0xFF])?.contains("truncated") == true)
        #expect(reason([0x48] + Array(repeating: 0xFF, count: 9) + [0x02])?.contains("longer than 64 bits") == true)
        #expect(reason([0x48] + Array(repeating: 0xFF, count: 9) + [0x01]) == nil)
        #expect(reason([0x49, 1, 2, 3])?.contains("truncated") == true)
        #expect(reason([0x4D, 1, 2])?.contains("truncated") == true)
        #expect(reason([0xFF])?.contains("truncated") == true)
    }

    private func nestedArrays(depth: Int) -> [UInt8] {
        var value = ProtoWriter.message { $0.stringField(1, "leaf") }
        for _ in 0..<depth {
            value = ProtoWriter.message { anyValue in
                anyValue.messageField(5) { array in array.bytesField(1, value) }
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

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        let shallow = try decodeTraces(nestedArrays(depth: 20))
        var value = try #require(shallow.spans.first?.attributes.first?.value)
        var depth = 0
        while case .array(let items) = value, let first = items.first {
            value = first
            depth += 1
        }
        #expect(depth == 20)
        #expect(value == .string("leaf"))
        #expect(reason(nestedArrays(depth: 100))?.contains("nested deeper than 32 levels") == true)
        #expect(reason(nestedArrays(depth: 10_000))?.contains("nested deeper than 32 levels") == true)
    }

    @Test func unusableIdsAreRejectedAsPartialSuccess() throws {
        let cases: [(String, (inout ProtoWriter) -> Void, String)] = [
            ("short trace id", { $0.bytesField(1, [1, 2]); $0.bytesField(2, Array(repeating: 1, count: 8)) }, "trace_id is 2 bytes long, not 16"),
            ("long span id", { $0.bytesField(1, Array(repeating: 1, count: 16)); $0.bytesField(2, Array(repeating: 1, count: 9)) }, "span_id is 9 bytes long, not 8"),
            ("zero trace id", { $0.bytesField(1, Array(repeating: 0, count: 16)); $0.bytesField(2, Array(repeating: 1, count: 8)) }, "trace_id is all zeros"),
            ("no span id", { $0.bytesField(1, Array(repeating: 1, count: 16)) }, "span_id is empty"),
        ]
        for (name, ids, expectedReason) in cases {
            let batch = try decodeTraces(ProtoWriter.message { request in
                request.messageField(1) { resourceSpans in
                    resourceSpans.messageField(2) { scopeSpans in
                        scopeSpans.messageField(2) { span in
                            ids(&span)
                            span.stringField(5, name)
                        }
                        scopeSpans.messageField(2) { $0.validSpanIDs(name: "good") }
                    }
                }
            })
            #expect(batch.spans.map(\.name) == ["good"], "\(name)")
            #expect(batch.rejected == 1)
            #expect(batch.rejectionReason == "span \"\(name)\": \(expectedReason)")
        }
    }

    @Test func anEmptyBodyIsAnEmptyRequest() throws {
        for signal in Signal.allCases {
            #expect(try OTLPRequestDecoder.decode([], signal: signal, encoding: .protobuf) == ReceivedBatch())
        }
    }
}

/// Protobuf's merge rules: a singular message field that occurs more than once is merged.
@Suite struct DecodingProtobufMergeTests {
    @Test func aRepeatedMetricKindIsMergedAndAnotherKindReplacesIt() throws {
        let repeats = 20_000
        let bytes = ProtoWriter.message { request in
            request.messageField(1) { resourceMetrics in
                resourceMetrics.messageField(2) { scopeMetrics in
                    scopeMetrics.messageField(2) { metric in
                        metric.stringField(1, "merged")
                        for index in 0..<repeats {
                            metric.messageField(7) { sum in
                                sum.varintField(2, 1)
                                sum.messageField(1) { point in point.fixed64Field(6, UInt64(index)) }
                            }
                        }
                    }
                    scopeMetrics.messageField(2) { metric in
                        metric.stringField(1, "replaced")
                        metric.messageField(7) { sum in sum.messageField(1) { point in point.fixed64Field(6, 1) } }
                        metric.messageField(5) { gauge in gauge.messageField(1) { point in point.fixed64Field(4, 2.5.bitPattern) } }
                    }
                }
            }
        }
        let batch = try OTLPRequestDecoder.decode(bytes, signal: .metrics, encoding: .protobuf)
        guard case .sum(let points, let temporality, _)? = batch.metrics.first?.data else {
            Issue.record("no sum decoded")
            return
        }
        #expect(points.count == repeats)
        #expect(points.last?.value == .int(Int64(repeats - 1)))
        #expect(temporality == .delta)
        #expect(batch.metrics.last?.data == .gauge([.init(timeUnixNano: 0, value: .double(2.5))]))
    }

    @Test func aRepeatedStatusOrResourceIsMerged() throws {
        let bytes = ProtoWriter.message { request in
            request.messageField(1) { resourceSpans in
                resourceSpans.messageField(1) { resource in
                    resource.messageField(1) { kv in kv.stringField(1, "a"); kv.messageField(2) { $0.varintField(3, 1) } }
                }
                resourceSpans.messageField(1) { resource in resource.varintField(2, 4) }
                resourceSpans.messageField(2) { scopeSpans in
                    scopeSpans.messageField(2) { span in
                        span.validSpanIDs()
                        span.messageField(15) { status in status.stringField(2, "message") }
                        span.messageField(15) { status in status.varintField(3, 2) }
                    }
                }
            }
        }
        let span = try #require(try OTLPRequestDecoder.decode(bytes, signal: .traces, encoding: .protobuf).spans.first)
        #expect(span.statusMessage == "message")
        #expect(span.statusCode == .error)
        #expect(span.resource.attributes == [KeyValue("a", .int(1))])
        #expect(span.resource.droppedAttributesCount == 4)
    }
}
