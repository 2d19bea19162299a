import Telemetry

/// The stable database client metric of the semantic conventions: `db.client.operation.duration`.
///
/// A histogram in seconds with the advised boundaries ``durationBucketBoundaries``, and the attributes
/// `db.system.name`, `db.namespace`, `db.operation.name`, `db.collection.name`, `server.address`, `server.port`,
/// `db.response.status_code` and `error.type` when known. The query text is not an attribute: its many values would
/// make too many series.
/// See the [conventions](https://opentelemetry.io/docs/specs/semconv/database/database-metrics/).
public struct DatabaseClientMetrics: Sendable {
    /// The conventions' advised boundaries for `db.client.operation.duration`, in seconds.
    public static let durationBucketBoundaries: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]

    private let duration: Histogram<Double>

    /// Creates the instrument on `meter`.
    ///
    /// - Parameter meter: The meter; its scope names the instrumentation, for example `TelemetryPostgres`.
    public init(meter: Meter) {
        duration = meter.makeHistogram(
            Double.self, name: "db.client.operation.duration", unit: "s",
            description: "Duration of database client operations.",
            explicitBucketBoundaries: Self.durationBucketBoundaries)
    }

    /// Records one finished operation.
    ///
    /// - Parameters:
    ///   - info: What the operation was.
    ///   - failure: How it failed, or `nil` when it succeeded.
    ///   - seconds: How long it took.
    public func record(_ info: DatabaseQueryInfo, failure: DatabaseFailure?, seconds: Double) {
        var attributes: [(String, AttributeValue)] = [("db.system.name", .string(info.system))]
        if let namespace = info.namespace { attributes.append(("db.namespace", .string(namespace))) }
        if let operation = info.operation { attributes.append(("db.operation.name", .string(operation))) }
        if let collection = info.collection { attributes.append(("db.collection.name", .string(collection))) }
        if let address = info.serverAddress { attributes.append(("server.address", .string(address))) }
        if let port = info.serverPort { attributes.append(("server.port", .int(Int64(port)))) }
        if let failure {
            attributes.append(("error.type", .string(failure.errorType)))
            if let code = failure.statusCode { attributes.append(("db.response.status_code", .string(code))) }
        }
        duration.record(seconds, attributes: AttributeSet(attributes))
    }

    /// Records one finished operation that took `elapsed`.
    public func record(_ info: DatabaseQueryInfo, failure: DatabaseFailure?, duration elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        record(info, failure: failure, seconds: seconds)
    }
}
