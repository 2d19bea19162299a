/// Why an OTLP export failed. Its description never includes header values.
public struct OTLPExportError: Error, CustomStringConvertible {
    /// What went wrong, for a person to read.
    public var reason: String
    /// How many attempts were made.
    public var attempts: Int

    public var description: String {
        attempts > 1 ? "OTLP export failed after \(attempts) attempts: \(reason)" : "OTLP export failed: \(reason)"
    }
}
