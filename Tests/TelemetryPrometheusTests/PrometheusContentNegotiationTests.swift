import Testing

@testable import TelemetryPrometheus

@Suite("Choosing the format from the Accept header")
struct PrometheusContentNegotiationTests {
    @Test(
        "Accept headers and the format they get",
        arguments: [
            // What Prometheus 2.x sends on every scrape (scrape.go's acceptHeader).
            (
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                    + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", PrometheusFormat.openMetrics100
            ),
            // Prometheus 3 with protobuf first, which this exporter does not write, then OpenMetrics.
            (
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,"
                    + "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
                    + "text/plain;version=0.0.4;q=0.2,*/*;q=0.1", .openMetrics100
            ),
            ("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5", .text004),
            ("application/openmetrics-text", .openMetrics100),
            ("Application/OpenMetrics-Text; Version=\"1.0.0\"", .openMetrics100),
            ("application/openmetrics-text; version=0.0.1", .openMetrics100),
            // A version this exporter does not write is passed over.
            ("application/openmetrics-text; version=2.0.0", .text004),
            ("text/plain", .text004),
            ("*/*", .text004),
            ("", .text004),
            ("garbage;;,,/", .text004),
            ("application/json", .text004),
            // q=0 means "not this one".
            ("application/openmetrics-text;q=0, text/plain;q=0.1", .text004),
            // Order of the header breaks ties in quality.
            ("text/plain, application/openmetrics-text", .text004),
            ("application/openmetrics-text, text/plain", .openMetrics100),
        ])
    func negotiation(accept: String, expected: PrometheusFormat) {
        #expect(PrometheusFormat(accept: accept) == expected)
    }

    @Test("no header gives the 0.0.4 format")
    func missing() {
        #expect(PrometheusFormat(accept: nil) == .text004)
        #expect(PrometheusFormat.text004.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            PrometheusFormat.openMetrics100.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }

    @Test("more specific ranges win among equal qualities, and a huge header is cut short")
    func ordering() {
        let ranges = PrometheusContentNegotiation.mediaRanges("*/*, text/*, text/plain;q=0.5, text/html")
        #expect(ranges.map { "\($0.type)/\($0.subtype)" } == ["text/html", "text/*", "*/*", "text/plain"])
        let huge = String(repeating: "a/b,", count: 10_000)
        #expect(PrometheusContentNegotiation.mediaRanges(huge).count == 64)
    }
}
