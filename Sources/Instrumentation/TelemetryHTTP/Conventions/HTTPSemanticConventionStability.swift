import Foundation
import Logging

/// Which HTTP attribute and metric names the instrumentation emits, as `OTEL_SEMCONV_STABILITY_OPT_IN` selects.
///
/// The specification's [migration guide](https://opentelemetry.io/docs/specs/semconv/non-normative/http-migration/)
/// defines the variable: `http` (or nothing) means the stable names only, and `http/dup` means the stable names and
/// the old ones (`http.method`, `http.status_code`, `http.target`, `http.scheme`, `net.host.name`, …), so that
/// queries written for the old names, such as a Jaeger search for `http.status_code=500`, keep working while they
/// are migrated. Entries for other domains (`database`, `rpc`, …) are left to their instrumentation.
public struct HTTPSemanticConventionStability: Sendable, Hashable {
    /// Whether the old, pre-1.0 names are emitted beside the stable ones.
    public var emitsOldNames: Bool

    /// The stable names only, the default.
    public static let stable = HTTPSemanticConventionStability(emitsOldNames: false)
    /// The stable names and the old ones: `OTEL_SEMCONV_STABILITY_OPT_IN=http/dup`.
    public static let duplicate = HTTPSemanticConventionStability(emitsOldNames: true)

    /// Creates a setting.
    public init(emitsOldNames: Bool) {
        self.emitsOldNames = emitsOldNames
    }

    /// The variable this setting is read from.
    public static let variable = "OTEL_SEMCONV_STABILITY_OPT_IN"

    /// The setting `OTEL_SEMCONV_STABILITY_OPT_IN` selects in `environment`.
    ///
    /// An HTTP entry other than `http` or `http/dup` (a typo such as `http/dupe`) logs one warning naming the
    /// variable and the value, and the stable names apply: a typo must never stop a service.
    public static func from(
        environment: [String: String], logger: Logger = TelemetryDiagnostics.logger
    ) -> HTTPSemanticConventionStability {
        let environment = Environment(environment, isStrict: false, logger: logger)
        guard let entries = environment.list(variable) else { return .stable }
        var result = HTTPSemanticConventionStability.stable
        for entry in entries where entry == "http" || entry.hasPrefix("http/") {
            switch entry {
            case "http": break
            case "http/dup": result = .duplicate
            default:
                // Not strict, so this only logs.
                try? environment.reject(
                    variable, value: environment.string(variable),
                    reason: "unknown HTTP entry \"\(entry)\"; expected http or http/dup, and the stable names apply")
            }
        }
        return result
    }

    /// The setting of this process' environment, read once: the warning for a bad value is logged once, however many
    /// servers read it.
    public static let processDefault: HTTPSemanticConventionStability = from(
        environment: ProcessInfo.processInfo.environment)
}
