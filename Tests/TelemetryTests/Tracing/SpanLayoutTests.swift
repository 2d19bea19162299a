@testable import Telemetry
import Testing

@Suite("Span layout")
struct SpanLayoutTests {
    @Test("a span fits an existential's inline buffer, so passing it as `any Span` allocates nothing")
    func spanFitsInline() {
        // swift-distributed-tracing's withSpan hands the span to its closure as `any Span`; a value larger than three
        // words would be boxed on the heap for every span.
        #expect(MemoryLayout<TelemetrySpan>.size <= 3 * MemoryLayout<Int>.size)
    }

    @Test("what a context stores for a span fits a context value's inline buffer")
    func contextSpanFitsInline() {
        // ServiceContext stores values as `any Sendable`: larger than three words would box every span's entry.
        #expect(MemoryLayout<ContextSpan>.size <= 3 * MemoryLayout<Int>.size)
    }
}
