import BenchmarkSink
import Foundation
import OTel
import Telemetry
import TelemetryOTLP

/// What the server overhead benchmarks (HTTPServerOverhead, GRPCServerOverhead) share: both SDKs set up the same way,
/// the sink as a process of its own, and the process's CPU time.
public enum ServerOverhead {
    /// Our SDK as the README sets it up, exporting over OTLP/HTTP protobuf to `sinkURL`, metrics every second so that
    /// collecting and exporting them falls inside a 10 s load.
    public static func telemetryConfiguration(sinkURL: String) -> TelemetryConfiguration {
        var otlp = OTLPExporterConfiguration()
        otlp.protocol = .httpProtobuf
        otlp.baseEndpoint = sinkURL
        var configuration = TelemetryConfiguration.otlp(otlp)
        configuration.serviceName = "benchmark"
        configuration.logLevel = .error
        configuration.metrics.periodicReader = .init(interval: .seconds(1))
        return configuration
    }

    /// swift-otel 1.6.0 set up the same way: traces and metrics over OTLP/HTTP protobuf to `sinkURL`, no logs.
    public static func swiftOTelConfiguration(sinkURL: String) -> OTel.Configuration {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "benchmark"
        configuration.diagnosticLogLevel = .error
        configuration.logs.enabled = false
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.traces.otlpExporter.endpoint = "\(sinkURL)/v1/traces"
        configuration.metrics.exporter = .otlp
        configuration.metrics.exportInterval = .seconds(1)
        configuration.metrics.otlpExporter.protocol = .httpProtobuf
        configuration.metrics.otlpExporter.endpoint = "\(sinkURL)/v1/metrics"
        return configuration
    }

    /// Runs only the benchmark sink, on `port`, until SIGTERM, when it prints
    /// `sink_result sink_requests=… sink_items=…` and exits. It prints `listening port=… mode=sink` once it serves.
    public static func runSink(port: Int) async throws -> Never {
        let sink = Sink()
        let sinkPort = try await sink.start(.http, port: port)
        signal(SIGTERM, SIG_IGN)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM)
        terminate.setEventHandler {
            print("sink_result sink_requests=\(sink.requestCount) sink_items=\(sink.items)")
            exit(0)
        }
        terminate.resume()
        print("listening port=\(sinkPort) mode=sink")
        fflush(nil)
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    /// The process's CPU time so far, every thread, in seconds.
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
