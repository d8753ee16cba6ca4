/// Trimming header values and Link parameters (HTTP and GlitchTip layers).
extension StringProtocol {
    /// Without leading and trailing white space and line breaks (`"\r\n"` is one Character).
    public var trimmedWhitespace: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }

    public func trimmed(_ set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
