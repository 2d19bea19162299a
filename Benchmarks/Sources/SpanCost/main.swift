import BenchmarkSupport
import OTLPSwiftProtobuf
import Foundation
import TelemetryOTLP
import Tracing

// A synchronous entry point for callgrind: `SpanCost <telemetry|swift-otel> <scenario> <count>` starts `count` spans
// through swift-distributed-tracing's withSpan and exits. Instructions per span are the difference between two counts
// divided by the difference in spans, so setup and teardown cancel out (see ../callgrind).
let arguments = CommandLine.arguments
// `noop` runs the same loop on swift-distributed-tracing's NoOpTracer: the floor that withSpan itself costs.
guard arguments.count == 4, let count = Int(arguments[3]) else {
    print("usage: SpanCost <telemetry|swift-otel|noop> <sampled|sampled3|unsampled> <count>")
    exit(64)
}
Tracers.queueSize = max(2048, count + 1024)
let tracers: Tracers
if arguments[1] == "noop" || arguments[1] == "swiftprotobuf" {
    tracers = .noop
} else if let side = Side(rawValue: arguments[1]) {
    tracers = side.tracers
} else {
    print("unknown side \(arguments[1])")
    exit(64)
}
switch arguments[2] {
case "sampled":
    for _ in 0..<count { tracers.sampled.withSpan("GET /orders") { _ in } }
case "sampled3":
    for _ in 0..<count {
        tracers.sampled.withSpan("GET /orders") { span in
            span.attributes["http.response.status_code"] = 200
            span.attributes["http.request.method"] = "GET"
            span.attributes["cache.hit"] = true
        }
    }
case "unsampled":
    for _ in 0..<count { tracers.alwaysOff.withSpan("GET /orders") { _ in } }
case "encode":
    // `count` batches of 512 realistic spans, encoded to protobuf.
    let batch = realisticBatch
    var total = 0
    if arguments[1] == "swiftprotobuf" {
        for _ in 0..<count { total &+= (try? SwiftProtobufTraceEncoder.encode(batch).count) ?? 0 }
    } else {
        for _ in 0..<count { total &+= OTLPTraceEncoder.protobuf(batch).count }
    }
    if total == 0 { print("nothing encoded") }
default:
    print("unknown scenario \(arguments[2])")
    exit(64)
}
