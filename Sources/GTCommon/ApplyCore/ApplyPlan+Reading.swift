import GTStreams

extension ApplyPlan {
    /// An actions stream read whole (docs/streams.md), from any line source (gt-apply's stdin, a
    /// file, a request's body): the plan and the trailer's stats. A stream that is refused, or a
    /// record that cannot be read, throws: nothing is applied from a stream not known to be complete.
    public static func read(_ lines: LineReader) throws -> (plan: ApplyPlan, stats: [String: JSONValue]) {
        var plan = ApplyPlan()
        let reader = try StreamReader(stream: .actions, lines: lines)
        while let record = try reader.next() {
            do { try plan.add(record) } catch {
                throw StreamError(stream: "actions", line: record.line, message: "\(error)")
            }
        }
        return (plan, reader.trailer?.stats ?? [:])
    }
}
