import GRPCCore
import Telemetry
import TelemetryGRPC
import Testing
import Tracing

@Suite("gRPC Metadata carriers")
struct GRPCMetadataCarrierTests {
    @Test("repeated string values are joined with ',', binary values and case are ignored")
    func extract() {
        var metadata = Metadata()
        metadata.addString("a=1", forKey: "tracestate")
        metadata.addBinary([0xFF, 0x00], forKey: "tracestate-bin")
        metadata.addString("b=2", forKey: "TraceState")
        metadata.addBinary([1, 2, 3], forKey: "grpc-trace-bin")
        let extractor = GRPCMetadataExtractor()
        #expect(extractor.extract(key: "tracestate", from: metadata) == "a=1,b=2")
        #expect(extractor.extract(key: "grpc-trace-bin", from: metadata) == nil)
        #expect(extractor.extract(key: "traceparent", from: metadata) == nil)
        #expect(extractor.keys(in: metadata) == ["tracestate"])
    }

    @Test("injection replaces every earlier value and skips binary keys")
    func inject() {
        var metadata: Metadata = ["traceparent": "old-1", "TRACEPARENT": "old-2", "other": "kept"]
        let injector = GRPCMetadataInjector()
        injector.inject("new", forKey: "traceparent", into: &metadata)
        injector.inject("text", forKey: "grpc-trace-bin", into: &metadata)
        #expect(Array(metadata[stringValues: "traceparent"]) == ["new"])
        #expect(Array(metadata[stringValues: "other"]) == ["kept"])
        #expect(metadata[binaryValues: "grpc-trace-bin"].first(where: { _ in true }) == nil)
        #expect(Array(metadata[stringValues: "grpc-trace-bin"]).isEmpty)
    }

    @Test("the W3C propagator round-trips a context through Metadata")
    func roundTrip() throws {
        let propagator = W3CTraceContextPropagator()
        var incoming = Metadata()
        incoming.addString("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", forKey: "traceparent")
        var context = ServiceContext.topLevel
        propagator.extract(incoming, into: &context, using: GRPCMetadataExtractor())
        let spanContext = try #require(context.spanContext)
        #expect(spanContext.traceID.hexString == "0af7651916cd43dd8448eb211c80319c")

        var outgoing = Metadata()
        propagator.inject(context, into: &outgoing, using: GRPCMetadataInjector())
        #expect(Array(outgoing[stringValues: "traceparent"]) == ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"])
    }

    @Test("malformed metadata is ignored: the context stays empty")
    func malformed() {
        var metadata = Metadata()
        metadata.addString("garbage", forKey: "traceparent")
        metadata.addString("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", forKey: "traceparent")
        var context = ServiceContext.topLevel
        W3CTraceContextPropagator().extract(metadata, into: &context, using: GRPCMetadataExtractor())
        #expect(context.spanContext == nil)
    }
}
