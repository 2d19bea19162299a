import Foundation
import Logging
import Telemetry
@testable import TelemetryOTLP
import Testing
import Tracing

@Suite("OTLP metrics encoding, decoded by the official protocol definitions", .serialized)
struct OTLPMetricsEncodingTests {
    typealias Format = OTLPDecodePeer.Format

    static let traceID = TraceID(high: 0x0AF7_6519_16CD_43DD, low: 0x8448_EB21_1C80_319C)
    static let spanID = SpanID(0xB7AD_6B71_6920_3331)
    static let start: UInt64 = 1_700_000_000_000_000_000
    static let time: UInt64 = 1_700_000_060_000_000_001

    /// Every attribute value kind, with an empty string and an empty array.
    static let pointAttributes: AttributeSet = [
        "http.request.method": "GET", "empty": "", "cached": false, "http.response.status_code": 200,
        "negative": -9, "ratio": 0.5, "tags": .stringArray(["a", "b"]), "flags": .boolArray([true, false]),
        "codes": .intArray([1, -2, .max]), "weights": .doubleArray([0.25, -1]), "none": .stringArray([]),
    ]

    static let resource = Resource(
        attributes: ["service.name": "orders", "service.instance.id": "i-1"],
        schemaURL: "https://opentelemetry.io/schemas/1.26.0")
    static let otherResource = Resource(attributes: ["service.name": "billing"])
    static let checkout = InstrumentationScope(
        name: "checkout", version: "2.1.0", schemaURL: "https://opentelemetry.io/schemas/1.25.0",
        attributes: ["scope.attr": "s"])
    static let payments = InstrumentationScope(name: "payments")

    /// Seven metrics of every kind over two resources and two scopes, the sixth belonging to the first group again.
    static func metrics() -> [MetricData] {
        let requests = MetricData(
            name: "http.server.requests", description: "Requests served", unit: "{request}",
            resource: resource, instrumentationScope: checkout,
            points: .sum(SumPoints(points: [
                NumberPoint(attributes: pointAttributes, startTime: start, time: time, value: .int(42), exemplars: [
                    Exemplar(filteredAttributes: ["user.id": "u-1", "retry": 2], time: start + 30, value: .int(-7),
                             traceID: traceID, spanID: spanID),
                    Exemplar(time: start + 31, value: .double(0)),
                ]),
                NumberPoint(attributes: ["http.request.method": "POST"], startTime: start, time: time, value: .int(0)),
            ], temporality: .cumulative, isMonotonic: true)))
        let memory = MetricData(
            name: "process.memory", unit: "By", resource: resource, instrumentationScope: checkout,
            points: .gauge([
                NumberPoint(attributes: .empty, startTime: 0, time: time, value: .double(0)),
                NumberPoint(attributes: ["pool": "heap"], startTime: 0, time: time, value: .double(-1.5)),
            ]))
        let queue = MetricData(
            name: "queue.depth", description: "Items waiting", resource: resource, instrumentationScope: payments,
            points: .sum(SumPoints(points: [
                NumberPoint(attributes: ["queue": "q"], startTime: start, time: time, value: .double(-3.25)),
            ], temporality: .delta, isMonotonic: false)))
        let duration = MetricData(
            name: "http.server.duration", unit: "ms", resource: otherResource, instrumentationScope: checkout,
            points: .histogram(HistogramPoints(points: [
                HistogramPoint(
                    attributes: ["http.route": "/orders"], startTime: start, time: time, count: 6, sum: 42.5, min: 0.5,
                    max: 20, boundaries: [0, 5, 10], bucketCounts: [1, 0, 2, 3],
                    exemplars: [Exemplar(filteredAttributes: ["k": 1], time: start + 40, value: .double(7.5),
                                         traceID: traceID, spanID: spanID)]),
                HistogramPoint(
                    attributes: ["http.route": "/zero"], startTime: start, time: time, count: 0, sum: 0, min: 0, max: 0,
                    boundaries: [5], bucketCounts: [0, 0]),
                HistogramPoint(
                    attributes: ["http.route": "/absent"], startTime: start, time: time, count: 7, sum: nil, min: nil,
                    max: nil, boundaries: [], bucketCounts: [7]),
            ], temporality: .delta)))
        let latency = MetricData(
            name: "rpc.latency", description: "Exponential", unit: "s", resource: otherResource,
            instrumentationScope: checkout,
            points: .exponentialHistogram(ExponentialHistogramPoints(points: [
                ExponentialHistogramPoint(
                    attributes: ["rpc.method": "Get"], startTime: start, time: time, count: 10, sum: 12.5, min: -8,
                    max: 100, scale: -2, zeroCount: 3, zeroThreshold: 0.001,
                    positive: .init(offset: -5, counts: [1, 0, 4]), negative: .init(offset: 3, counts: [2]),
                    exemplars: [Exemplar(time: start + 50, value: .int(100))]),
                ExponentialHistogramPoint(
                    attributes: ["rpc.method": "Empty"], startTime: start, time: time, count: 0, sum: 0, min: nil,
                    max: nil, scale: 20, zeroCount: 0,
                    positive: .init(offset: 0, counts: []), negative: .init(offset: 0, counts: [])),
                ExponentialHistogramPoint(
                    attributes: ["rpc.method": "Large"], startTime: start, time: time, count: 1 << 40 + 1, sum: nil,
                    min: 0, max: 0, scale: 0, zeroCount: 0,
                    positive: .init(offset: 0, counts: [1, 1 << 40]), negative: .init(offset: -1, counts: [])),
            ], temporality: .cumulative)))
        let late = MetricData(
            name: "late.gauge", resource: resource, instrumentationScope: checkout,
            points: .gauge([NumberPoint(attributes: .empty, startTime: start, time: time, value: .int(5))]))
        let empty = MetricData(
            name: "empty.sum", resource: otherResource, instrumentationScope: checkout,
            points: .sum(SumPoints(points: [], temporality: .cumulative, isMonotonic: false)))
        return [requests, memory, queue, duration, latency, late, empty]
    }

    static func encode(_ metrics: [MetricData], _ format: Format) throws -> [UInt8] {
        switch format {
        case .protobuf: return try #require(MetricsRequestEncoder.protobuf(metrics))
        case .json: return MetricsRequestEncoder.json(metrics)
        }
    }

    @Test("every field of every point kind arrives as sent, with its resource and scope", arguments: Format.allCases)
    func fieldByField(format: Format) throws {
        let decoded = try OTLPDecodePeer.decode(try Self.encode(Self.metrics(), format), format)
        let resources = try #require(decoded.request["resourceMetrics"] as? [[String: Any]])
        try #require(resources.count == 2, "two resources")

        // The first resource: two scopes, the late gauge grouped with the first metrics of its scope.
        let first = resources[0]
        #expect(first["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.26.0")
        #expect(metricAttributes((first["resource"] as? [String: Any])?["attributes"])
            == ["service.name": "orders", "service.instance.id": "i-1"])
        let scopes = try #require(first["scopeMetrics"] as? [[String: Any]])
        try #require(scopes.count == 2, "two scopes of the first resource")
        let checkout = try #require(scopes[0]["scope"] as? [String: Any])
        #expect(checkout["name"] as? String == "checkout")
        #expect(checkout["version"] as? String == "2.1.0")
        #expect(metricAttributes(checkout["attributes"]) == ["scope.attr": "s"])
        #expect(scopes[0]["schemaUrl"] as? String == "https://opentelemetry.io/schemas/1.25.0")
        let payments = try #require(scopes[1]["scope"] as? [String: Any])
        #expect(payments["name"] as? String == "payments")
        #expect(payments["version"] == nil && payments["attributes"] == nil && scopes[1]["schemaUrl"] == nil)
        let firstMetrics = try #require(scopes[0]["metrics"] as? [[String: Any]])
        #expect(firstMetrics.map { $0["name"] as? String } == ["http.server.requests", "process.memory", "late.gauge"])
        let paymentsMetrics = try #require(scopes[1]["metrics"] as? [[String: Any]])
        #expect(paymentsMetrics.map { $0["name"] as? String } == ["queue.depth"])

        // A monotonic cumulative sum of integers.
        let requests = firstMetrics[0]
        #expect(requests["description"] as? String == "Requests served")
        #expect(requests["unit"] as? String == "{request}")
        #expect(Set(requests.keys) == ["name", "description", "unit", "sum"], "one member of the data oneof")
        let sum = try #require(requests["sum"] as? [String: Any])
        #expect(sum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        #expect(sum["isMonotonic"] as? Bool == true)
        let sumPoints = try #require(sum["dataPoints"] as? [[String: Any]])
        try #require(sumPoints.count == 2)
        let full = sumPoints[0]
        #expect(full["startTimeUnixNano"] as? String == "1700000000000000000")
        #expect(full["timeUnixNano"] as? String == "1700000060000000001")
        #expect(full["asInt"] as? String == "42")
        #expect(full["asDouble"] == nil)
        #expect(full["flags"] == nil, "no flag is set")
        #expect(metricAttributes(full["attributes"]) == Self.pointAttributes.dictionary)
        #expect(attributeKeys(full["attributes"]) == Self.pointAttributes.elements.map(\.key), "in the set's key order")
        let attributes = try #require(full["attributes"] as? [[String: Any]])
        let byKey = Dictionary(uniqueKeysWithValues: attributes.compactMap { pair in
            (pair["key"] as? String).map { ($0, pair["value"] as? [String: Any] ?? [:]) }
        })
        // The representation itself: int64 as a decimal string, an empty array as an empty ArrayValue.
        #expect(byKey["http.response.status_code"]?["intValue"] as? String == "200")
        #expect(byKey["none"]?["arrayValue"] as? [String: Any] != nil)
        #expect(byKey["empty"]?["stringValue"] as? String == "")
        let exemplars = try #require(full["exemplars"] as? [[String: Any]])
        try #require(exemplars.count == 2)
        #expect(exemplars[0]["timeUnixNano"] as? String == "1700000000000000030")
        #expect(exemplars[0]["asInt"] as? String == "-7")
        #expect(exemplars[0]["asDouble"] == nil)
        #expect(exemplars[0]["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c")
        #expect(exemplars[0]["spanId"] as? String == "b7ad6b7169203331")
        #expect(metricAttributes(exemplars[0]["filteredAttributes"]) == ["user.id": "u-1", "retry": 2])
        #expect(exemplars[1]["timeUnixNano"] as? String == "1700000000000000031")
        #expect(exemplars[1]["asDouble"] as? Double == 0, "a value of 0 is written: it is a oneof member")
        for absent in ["asInt", "traceId", "spanId", "filteredAttributes"] {
            #expect(exemplars[1][absent] == nil, "\(absent) is left out of an exemplar without it")
        }
        let zero = sumPoints[1]
        #expect(zero["asInt"] as? String == "0", "a value of 0 is written: it is a oneof member")
        #expect(metricAttributes(zero["attributes"]) == ["http.request.method": "POST"])
        #expect(zero["exemplars"] == nil)

        // A gauge of doubles, without start times.
        let memory = firstMetrics[1]
        #expect(memory["unit"] as? String == "By")
        #expect(memory["description"] == nil)
        let gaugePoints = try #require((memory["gauge"] as? [String: Any])?["dataPoints"] as? [[String: Any]])
        try #require(gaugePoints.count == 2)
        #expect(gaugePoints[0]["asDouble"] as? Double == 0)
        #expect(gaugePoints[0]["asInt"] == nil)
        #expect(gaugePoints[0]["startTimeUnixNano"] == nil)
        #expect(gaugePoints[0]["attributes"] == nil)
        #expect(gaugePoints[0]["timeUnixNano"] as? String == "1700000060000000001")
        #expect(gaugePoints[1]["asDouble"] as? Double == -1.5)
        #expect(metricAttributes(gaugePoints[1]["attributes"]) == ["pool": "heap"])
        let late = firstMetrics[2]
        let latePoint = try #require(((late["gauge"] as? [String: Any])?["dataPoints"] as? [[String: Any]])?.first)
        #expect(latePoint["asInt"] as? String == "5")
        #expect(latePoint["startTimeUnixNano"] as? String == "1700000000000000000")

        // A non-monotonic delta sum of doubles.
        let queue = paymentsMetrics[0]
        #expect(queue["description"] as? String == "Items waiting")
        let queueSum = try #require(queue["sum"] as? [String: Any])
        #expect(queueSum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA")
        #expect(queueSum["isMonotonic"] == nil, "false is left out")
        let queuePoint = try #require((queueSum["dataPoints"] as? [[String: Any]])?.first)
        #expect(queuePoint["asDouble"] as? Double == -3.25)

        // The second resource: one scope, with the histograms and the empty sum.
        let second = resources[1]
        #expect(second["schemaUrl"] == nil)
        #expect(metricAttributes((second["resource"] as? [String: Any])?["attributes"]) == ["service.name": "billing"])
        let secondScopes = try #require(second["scopeMetrics"] as? [[String: Any]])
        try #require(secondScopes.count == 1)
        #expect((secondScopes[0]["scope"] as? [String: Any])?["name"] as? String == "checkout")
        let secondMetrics = try #require(secondScopes[0]["metrics"] as? [[String: Any]])
        #expect(secondMetrics.map { $0["name"] as? String } == ["http.server.duration", "rpc.latency", "empty.sum"])

        // Explicit-bucket histograms: full, every optional present as 0, every optional absent.
        let duration = secondMetrics[0]
        #expect(duration["unit"] as? String == "ms")
        let histogram = try #require(duration["histogram"] as? [String: Any])
        #expect(histogram["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_DELTA")
        let histogramPoints = try #require(histogram["dataPoints"] as? [[String: Any]])
        try #require(histogramPoints.count == 3)
        let fullHistogram = histogramPoints[0]
        #expect(metricAttributes(fullHistogram["attributes"]) == ["http.route": "/orders"])
        #expect(fullHistogram["startTimeUnixNano"] as? String == "1700000000000000000")
        #expect(fullHistogram["timeUnixNano"] as? String == "1700000060000000001")
        #expect(fullHistogram["count"] as? String == "6")
        #expect(fullHistogram["sum"] as? Double == 42.5)
        #expect(fullHistogram["min"] as? Double == 0.5)
        #expect(fullHistogram["max"] as? Double == 20)
        #expect(fullHistogram["bucketCounts"] as? [String] == ["1", "0", "2", "3"])
        #expect(fullHistogram["explicitBounds"] as? [Double] == [0, 5, 10])
        #expect(fullHistogram["flags"] == nil)
        let histogramExemplar = try #require((fullHistogram["exemplars"] as? [[String: Any]])?.first)
        #expect(histogramExemplar["asDouble"] as? Double == 7.5)
        #expect(histogramExemplar["timeUnixNano"] as? String == "1700000000000000040")
        #expect(histogramExemplar["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c")
        #expect(histogramExemplar["spanId"] as? String == "b7ad6b7169203331")
        #expect(metricAttributes(histogramExemplar["filteredAttributes"]) == ["k": 1])
        let zeros = histogramPoints[1]
        #expect(zeros["count"] == nil, "a count of 0 is a default")
        #expect(zeros["sum"] as? Double == 0, "an optional sum of 0 is written")
        #expect(zeros["min"] as? Double == 0, "an optional min of 0 is written")
        #expect(zeros["max"] as? Double == 0, "an optional max of 0 is written")
        #expect(zeros["bucketCounts"] as? [String] == ["0", "0"])
        #expect(zeros["explicitBounds"] as? [Double] == [5])
        let absent = histogramPoints[2]
        #expect(absent["count"] as? String == "7")
        #expect(absent["bucketCounts"] as? [String] == ["7"])
        for key in ["sum", "min", "max", "explicitBounds", "exemplars"] {
            #expect(absent[key] == nil, "\(key) is left out when absent")
        }

        // Exponential histograms: a negative scale and offsets, empty ranges, a count past 32 bits.
        let latency = secondMetrics[1]
        let exponential = try #require(latency["exponentialHistogram"] as? [String: Any])
        #expect(exponential["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let exponentialPoints = try #require(exponential["dataPoints"] as? [[String: Any]])
        try #require(exponentialPoints.count == 3)
        let negative = exponentialPoints[0]
        #expect(metricAttributes(negative["attributes"]) == ["rpc.method": "Get"])
        #expect(negative["startTimeUnixNano"] as? String == "1700000000000000000")
        #expect(negative["timeUnixNano"] as? String == "1700000060000000001")
        #expect(negative["count"] as? String == "10")
        #expect(negative["sum"] as? Double == 12.5)
        #expect(negative["min"] as? Double == -8)
        #expect(negative["max"] as? Double == 100)
        #expect(negative["scale"] as? Int == -2)
        #expect(negative["zeroCount"] as? String == "3")
        #expect(negative["zeroThreshold"] as? Double == 0.001)
        let positiveBuckets = try #require(negative["positive"] as? [String: Any])
        #expect(positiveBuckets["offset"] as? Int == -5)
        #expect(positiveBuckets["bucketCounts"] as? [String] == ["1", "0", "4"])
        let negativeBuckets = try #require(negative["negative"] as? [String: Any])
        #expect(negativeBuckets["offset"] as? Int == 3)
        #expect(negativeBuckets["bucketCounts"] as? [String] == ["2"])
        let exponentialExemplar = try #require((negative["exemplars"] as? [[String: Any]])?.first)
        #expect(exponentialExemplar["asInt"] as? String == "100")
        #expect(exponentialExemplar["traceId"] == nil && exponentialExemplar["spanId"] == nil)
        let emptyRanges = exponentialPoints[1]
        #expect(emptyRanges["scale"] as? Int == 20)
        #expect(emptyRanges["sum"] as? Double == 0, "an optional sum of 0 is written")
        for key in ["count", "zeroCount", "zeroThreshold", "min", "max", "exemplars", "flags"] {
            #expect(emptyRanges[key] == nil, "\(key) is left out when absent or default")
        }
        #expect((emptyRanges["positive"] as? [String: Any])?.isEmpty == true, "an empty range is an empty message")
        #expect((emptyRanges["negative"] as? [String: Any])?.isEmpty == true, "an empty range is an empty message")
        let large = exponentialPoints[2]
        #expect(large["count"] as? String == "1099511627777")
        #expect(large["scale"] == nil, "a scale of 0 is a default")
        #expect(large["sum"] == nil, "an absent sum is left out")
        #expect(large["min"] as? Double == 0 && large["max"] as? Double == 0, "optional min and max of 0 are written")
        #expect((large["positive"] as? [String: Any])?["offset"] == nil)
        #expect((large["positive"] as? [String: Any])?["bucketCounts"] as? [String] == ["1", "1099511627776"])
        #expect((large["negative"] as? [String: Any])?["offset"] as? Int == -1)
        #expect((large["negative"] as? [String: Any])?["bucketCounts"] == nil)

        // A sum with no points keeps its kind.
        let empty = secondMetrics[2]
        let emptySum = try #require(empty["sum"] as? [String: Any])
        #expect(emptySum["dataPoints"] == nil)
        #expect(emptySum["aggregationTemporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        #expect(empty["description"] == nil && empty["unit"] == nil)
    }

    @Test("the official encoding of what was decoded is ours, byte for byte, from protobuf and from JSON")
    func officialBytes() throws {
        let metrics = Self.metrics()
        let protobuf = try Self.encode(metrics, .protobuf)
        // The official serialization writes fields in number order and repeated scalars packed: an equal result
        // shows that nothing was written in a form the decoder merely tolerates.
        #expect(try OTLPDecodePeer.decode(protobuf, .protobuf).protobuf == protobuf)
        // JSON that decodes to the very message the protobuf holds says exactly what the protobuf says.
        #expect(try OTLPDecodePeer.decode(try Self.encode(metrics, .json), .json).protobuf == protobuf)
    }

    /// Values at the edges of their types: zigzag and sfixed64 extremes, 10-byte varints, doubles JSON has no number
    /// for.
    static func extremes() -> [MetricData] {
        let scope = InstrumentationScope(name: "edges")
        let resource = Resource()
        return [
            MetricData(name: "ints", resource: resource, instrumentationScope: scope, points: .gauge([
                NumberPoint(attributes: .empty, startTime: .max, time: .max, value: .int(.min)),
                NumberPoint(attributes: .empty, startTime: 1, time: 2, value: .int(.max), exemplars: [
                    Exemplar(time: 3, value: .int(.min)), Exemplar(time: 4, value: .int(-1)),
                ]),
            ])),
            MetricData(name: "doubles", resource: resource, instrumentationScope: scope, points: .gauge([
                NumberPoint(attributes: ["nan": .double(.nan)], startTime: 1, time: 2, value: .double(.nan)),
                NumberPoint(attributes: .empty, startTime: 1, time: 2, value: .double(.infinity)),
                NumberPoint(attributes: .empty, startTime: 1, time: 2, value: .double(-.infinity)),
                NumberPoint(attributes: .empty, startTime: 1, time: 2, value: .double(.leastNonzeroMagnitude)),
                NumberPoint(attributes: .empty, startTime: 1, time: 2, value: .double(-.greatestFiniteMagnitude)),
                NumberPoint(attributes: .empty, startTime: 1, time: 2, value: .double(0.1)),
            ])),
            MetricData(name: "histogram", resource: resource, instrumentationScope: scope, points: .histogram(
                HistogramPoints(points: [
                    HistogramPoint(
                        attributes: .empty, startTime: 1, time: 2, count: .max, sum: .infinity, min: -.infinity,
                        max: .greatestFiniteMagnitude, boundaries: [-.greatestFiniteMagnitude, -0.5, 1e-300],
                        bucketCounts: [.max, 0, 1, .max - 1]),
                ], temporality: .cumulative))),
            MetricData(name: "exponential", resource: resource, instrumentationScope: scope, points: .exponentialHistogram(
                ExponentialHistogramPoints(points: [
                    ExponentialHistogramPoint(
                        attributes: .empty, startTime: 1, time: 2, count: .max, sum: nil, min: nil, max: nil,
                        scale: -10, zeroCount: .max, zeroThreshold: .leastNormalMagnitude,
                        positive: .init(offset: .min, counts: [.max, 0, 127, 128, 16383, 16384]),
                        negative: .init(offset: .max, counts: [0])),
                    ExponentialHistogramPoint(
                        attributes: .empty, startTime: 1, time: 2, count: 1, sum: -0.0, min: nil, max: nil,
                        scale: -1, zeroCount: 1, positive: .init(offset: 1, counts: []),
                        negative: .init(offset: -1, counts: [])),
                ], temporality: .delta))),
        ]
    }

    @Test("values at the edges of their types survive both formats", arguments: Format.allCases)
    func extremeValues(format: Format) throws {
        let metrics = Self.extremes()
        let protobuf = try Self.encode(metrics, .protobuf)
        let decoded = try OTLPDecodePeer.decode(try Self.encode(metrics, format), format)
        #expect(decoded.protobuf == protobuf, "the official encoding of what was decoded is our protobuf")

        let allMetrics = try #require(
            ((decoded.request["resourceMetrics"] as? [[String: Any]])?.first?["scopeMetrics"] as? [[String: Any]])?
                .first?["metrics"] as? [[String: Any]])
        try #require(allMetrics.count == 4)
        func points(_ metric: Int, _ kind: String) -> [[String: Any]] {
            (allMetrics[metric][kind] as? [String: Any])?["dataPoints"] as? [[String: Any]] ?? []
        }
        let ints = points(0, "gauge")
        try #require(ints.count == 2)
        #expect(ints[0]["asInt"] as? String == "-9223372036854775808")
        #expect(ints[0]["startTimeUnixNano"] as? String == "18446744073709551615")
        #expect(ints[1]["asInt"] as? String == "9223372036854775807")
        let intExemplars = ints[1]["exemplars"] as? [[String: Any]] ?? []
        #expect(intExemplars.map { $0["asInt"] as? String } == ["-9223372036854775808", "-1"])

        let doubles = points(1, "gauge")
        try #require(doubles.count == 6)
        #expect(doubles[0]["asDouble"] as? String == "NaN")
        #expect(((doubles[0]["attributes"] as? [[String: Any]])?.first?["value"] as? [String: Any])?["doubleValue"]
            as? String == "NaN")
        #expect(doubles[1]["asDouble"] as? String == "Infinity")
        #expect(doubles[2]["asDouble"] as? String == "-Infinity")
        #expect(doubles[3]["asDouble"] as? Double == .leastNonzeroMagnitude)
        #expect(doubles[4]["asDouble"] as? Double == -.greatestFiniteMagnitude)
        #expect(doubles[5]["asDouble"] as? Double == 0.1)

        let histogram = try #require(points(2, "histogram").first)
        #expect(histogram["count"] as? String == "18446744073709551615")
        #expect(histogram["sum"] as? String == "Infinity")
        #expect(histogram["min"] as? String == "-Infinity")
        #expect(histogram["max"] as? Double == .greatestFiniteMagnitude)
        #expect(histogram["explicitBounds"] as? [Double] == [-.greatestFiniteMagnitude, -0.5, 1e-300])
        #expect(histogram["bucketCounts"] as? [String] == ["18446744073709551615", "0", "1", "18446744073709551614"])

        let exponential = points(3, "exponentialHistogram")
        try #require(exponential.count == 2)
        #expect(exponential[0]["scale"] as? Int == -10)
        #expect(exponential[0]["zeroCount"] as? String == "18446744073709551615")
        #expect(exponential[0]["zeroThreshold"] as? Double == .leastNormalMagnitude)
        let positive = exponential[0]["positive"] as? [String: Any] ?? [:]
        #expect(positive["offset"] as? Int == Int(Int32.min))
        #expect(positive["bucketCounts"] as? [String] == ["18446744073709551615", "0", "127", "128", "16383", "16384"])
        let negative = exponential[0]["negative"] as? [String: Any] ?? [:]
        #expect(negative["offset"] as? Int == Int(Int32.max))
        #expect(negative["bucketCounts"] as? [String] == ["0"])
        #expect(exponential[1]["scale"] as? Int == -1)
        #expect((exponential[1]["positive"] as? [String: Any])?["offset"] as? Int == 1)
        #expect((exponential[1]["negative"] as? [String: Any])?["offset"] as? Int == -1)
        #expect(exponential[1]["sum"] as? Double == 0, "-0.0 is a present sum")
    }

    @Test("the two protobuf passes agree on a metrics request, and any disagreement fails it")
    func passesAgree() throws {
        let metrics = Self.metrics() + Self.extremes()
        let groups = MetricsRequestEncoder.group(metrics)
        var sizer = ProtobufSizer(expectedMessages: 64)
        metrics.withUnsafeBufferPointer { MetricsRequestEncoder.encode($0, groups, into: &sizer) }
        let bytes = try #require(MetricsRequestEncoder.write(
            metrics, groups, capacity: sizer.count, lengths: sizer.lengths, descriptions: sizer.descriptions))
        #expect(bytes.count == sizer.count)
        #expect(bytes == MetricsRequestEncoder.protobuf(metrics))
        var reader = ProtoReader(bytes)
        while reader.next() != nil {}
        #expect(!reader.isMalformed)
        for index in sizer.lengths.indices {
            for delta in [-1, 1] where sizer.lengths[index] + delta >= 0 {
                var lengths = sizer.lengths
                lengths[index] += delta
                #expect(write(capacity: sizer.count, lengths: lengths) == nil, "length \(index) \(delta)")
            }
        }
        #expect(write(capacity: sizer.count + 1, lengths: sizer.lengths) == nil)
        #expect(write(capacity: sizer.count - 1, lengths: sizer.lengths) == nil)

        func write(capacity: Int, lengths: [Int]) -> [UInt8]? {
            MetricsRequestEncoder.write(metrics, groups, capacity: capacity, lengths: lengths, descriptions: [])
        }
    }

    @Test("an empty batch is an empty request in both formats")
    func emptyBatch() throws {
        #expect(MetricsRequestEncoder.protobuf([]) == [])
        #expect(String(decoding: MetricsRequestEncoder.json([]), as: UTF8.self) == "{}")
        #expect(try OTLPDecodePeer.decode([], .protobuf).request.isEmpty)
        #expect(try OTLPDecodePeer.decode(MetricsRequestEncoder.json([]), .json).request.isEmpty)
    }

    @Test("sint32 is zigzag-encoded and repeated numbers are packed on the wire")
    func wireForms() {
        #expect([0, -1, 1, -2, 2, .max, .min].map(ProtobufSizer.zigzag) == [0, 1, 2, 3, 4, 0xFFFF_FFFE, 0xFFFF_FFFF])
        // Buckets { offset: -3, bucket_counts: [1, 300] }: offset's tag 0x08, zigzag(-3) = 5; bucket_counts' tag
        // 0x12 (field 2, length-delimited), 3 bytes of varints.
        let buckets = ExponentialHistogramPoint.Buckets(offset: -3, counts: [1, 300])
        var sizer = ProtobufSizer(expectedMessages: 1)
        MetricsRequestEncoder.writeBuckets(buckets, into: &sizer)
        let bytes = [UInt8](unsafeUninitializedCapacity: sizer.count) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            var writer = ProtobufWriter(base: base, capacity: sizer.count, lengths: [], descriptions: [])
            MetricsRequestEncoder.writeBuckets(buckets, into: &writer)
            count = writer.count
        }
        #expect(bytes == [0x08, 0x05, 0x12, 0x03, 0x01, 0xAC, 0x02])
    }

    @Test("the receiver takes metrics over gRPC, HTTP/protobuf and HTTP/JSON", arguments: OTLPProtocol.allCases)
    func receiver(protocol: OTLPProtocol) async throws {
        let receiver = try await OTLPReceiver()
        defer { receiver.stop() }
        let signal = OTLPSignal(
            variableName: "METRICS", path: "/v1/metrics",
            grpcService: "opentelemetry.proto.collector.metrics.v1.MetricsService",
            rejectedJSONKey: "rejectedDataPoints", itemsKey: "data_points")
        var configuration = OTLPExporterConfiguration.receiver(receiver, `protocol`)
        if `protocol` != .grpc { configuration.endpoint = "http://127.0.0.1:\(receiver.httpPort)/v1/metrics" }
        let (_, transport) = try OTLPExporterCore<MetricData>.resolve(
            configuration, signal: signal, environment: [:], isStrict: true, logger: Logger(label: "test"))
        let connections = Task { try await transport.run() }
        let encoder = MetricsRequestEncoder.encoder(for: `protocol`)
        let body = try #require(encoder(Self.metrics()))
        let result = await transport.send(body, timeout: .seconds(30))
        guard case .accepted = result else {
            Issue.record("not accepted: \(result)")
            await transport.shutdown()
            connections.cancel()
            return
        }
        #expect(try await receiver.waitUntil { $0.contains { $0["signal"] as? String == "metrics" } })
        let line = try #require(receiver.requests.first)
        #expect(line["signal"] as? String == "metrics")
        if `protocol` != .grpc { #expect(line["path"] as? String == "/v1/metrics") }
        let request = try #require(line["request"] as? [String: Any])
        let resources = request["resourceMetrics"] as? [[String: Any]] ?? []
        #expect(resources.count == 2)
        let scopes = resources.first?["scopeMetrics"] as? [[String: Any]] ?? []
        let metrics = scopes.first?["metrics"] as? [[String: Any]] ?? []
        let points = (metrics.first?["sum"] as? [String: Any])?["dataPoints"] as? [[String: Any]] ?? []
        let exemplar = (points.first?["exemplars"] as? [[String: Any]])?.first
        #expect(exemplar?["traceId"] as? String == "0af7651916cd43dd8448eb211c80319c", "exemplar ids in hex")
        await transport.shutdown()
        connections.cancel()
        _ = await connections.result
    }
}
