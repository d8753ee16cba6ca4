extension Duration {
    /// Whole milliseconds, for `elapsed_ms` in stream trailers.
    public var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
