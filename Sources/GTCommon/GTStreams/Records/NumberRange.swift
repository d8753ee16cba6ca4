/// The range of every number gt reads from outside (App-Interface, a stream, GlitchTip): each
/// is checked where it is read, so a number out of its range is an error naming where it came
/// from, and no arithmetic on it can trap (docs/rules.md, "Numbers").
public enum NumberRange {
    /// An instance's `readTimeout`, in seconds (App-Interface's 0 or absent: 30).
    public static let readTimeout: ClosedRange<Int64> = 1...3600
    /// An instance's `maxRetries` (App-Interface's 0 or absent: 3).
    public static let maxRetries: ClosedRange<Int64> = 0...10
    /// An alert's `quantity` and `timespan_minutes`: GlitchTip stores them in a
    /// PositiveSmallIntegerField; App-Interface asks for at least 1 (docs/rules.md).
    public static let alertSetting: ClosedRange<Int64> = 0...32767
    /// Alert and recipient ids: GlitchTip's primary keys.
    public static let pk: ClosedRange<Int64> = 1...Int64.max
    /// A Vault KV version (0: the latest).
    public static let secretVersion: ClosedRange<Int64> = 0...Int64(Int32.max)
    /// Counts and milliseconds in a trailer's `records`, `errors` and `stats`: what a
    /// Prometheus sample (a double) holds exactly.
    public static let count: ClosedRange<Int64> = 0...(1 << 53)
}

extension Int64 {
    /// The nearest value in `range`: for a number made in code, where no reader checked it.
    public func clamped(to range: ClosedRange<Int64>) -> Int64 { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
