@testable import Telemetry
import TelemetryTesting
import Testing
import Tracing

@Suite("Consistent probability sampling from OTEL_TRACES_SAMPLER")
struct SamplerEnvironmentTests {
    func sampler(_ environment: [String: String], logs: LogCapture = LogCapture(), strict: Bool = false) throws -> any Sampler {
        var configuration = TelemetryConfiguration()
        configuration.logger = logs.logger()
        configuration.isStrict = strict
        return try TelemetrySystem.makeService(configuration, environment: environment).tracerProvider.sampler
    }

    @Test("parentbased_consistent_probability takes its probability from OTEL_TRACES_SAMPLER_ARG")
    func named() throws {
        let sampler = try sampler(["OTEL_TRACES_SAMPLER": "parentbased_consistent_probability", "OTEL_TRACES_SAMPLER_ARG": "0.25"])
        #expect(sampler.description.hasPrefix("ParentBased{root:ProbabilitySampler{0.25},remoteParentSampled:ParentThreshold"))
        let result = sampler.shouldSample(SamplingParameters(traceID: TraceID(high: 0, low: 0x00FF_FFFF_FFFF_FFFF), name: "op"))
        #expect(result.decision == .recordAndSample && result.traceState.header == "ot=th:c")
        let all = try self.sampler(["OTEL_TRACES_SAMPLER": "PARENTBASED_CONSISTENT_PROBABILITY"])
        #expect(all.description.hasPrefix("ParentBased{root:ProbabilitySampler{1.0}"), "the argument defaults to 1")
        let none = try self.sampler(["OTEL_TRACES_SAMPLER": "parentbased_consistent_probability", "OTEL_TRACES_SAMPLER_ARG": "0"])
        #expect(none.description.hasPrefix("ParentBased{root:AlwaysOffSampler"), "0 is not a probability: no root is sampled")
    }

    @Test("a bad probability logs one warning naming the variable and the value, and the default applies",
          arguments: ["1.5", "-0.1", "half", "nan"])
    func badArgument(value: String) throws {
        let logs = LogCapture()
        let sampler = try sampler(
            ["OTEL_TRACES_SAMPLER": "parentbased_consistent_probability", "OTEL_TRACES_SAMPLER_ARG": value], logs: logs)
        #expect(sampler.description == ParentBasedSampler(root: AlwaysOnSampler()).description)
        let warnings = logs.warnings.filter { $0.contains("OTEL_TRACES_SAMPLER_ARG") }
        #expect(warnings.count == 1, "\(logs.lines)")
        #expect(warnings.first?.contains(value) == true)
        #expect(throws: TelemetryConfigurationError.self) {
            try self.sampler(["OTEL_TRACES_SAMPLER": "parentbased_consistent_probability", "OTEL_TRACES_SAMPLER_ARG": value], strict: true)
        }
    }

    @Test("an unknown name's warning lists the consistent sampler among the names")
    func unknownName() throws {
        let logs = LogCapture()
        _ = try sampler(["OTEL_TRACES_SAMPLER": "rate_limiting"], logs: logs)
        let warning = try #require(logs.warnings.first { $0.contains("OTEL_TRACES_SAMPLER") })
        #expect(warning.contains("rate_limiting") && warning.contains("parentbased_consistent_probability"))
    }
}
