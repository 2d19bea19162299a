/// Rates are tokens or traces per second, so the samplers measure elapsed time as a `Double` of seconds.
extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
