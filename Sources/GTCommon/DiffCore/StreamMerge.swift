import Dispatch
import GTStreams

/// Pairs the projects of the desired and current streams by walking both in step, as two
/// sorted lists are merged (docs/streams.md, "Order"): neither stream is held, so gt-diff's
/// memory follows the plan it writes, not the size of the fleet. Records are decoded in
/// batches on every core, and matched pairs are planned in batches on every core too.
public struct StreamMerge {
    let desired: StreamReader
    let current: StreamReader
    /// Pairs planned at once.
    var batchSize = 512

    public init(desired: StreamReader, current: StreamReader) {
        self.desired = desired
        self.current = current
    }

    /// The actions, in stream order (instance, organization, project; within a project the
    /// planner's order), and what else the plan says. `declaring` sees every desired project,
    /// planned or skipped: what the desired state declares (gt-diff's history).
    public func run(into builder: inout PlanBuilder, declaring: (ProjectRecord) -> Void = { _ in }) throws -> [ActionRecord] {
        let wanted = Cursor(reader: desired, transform: DecodedRecord.desired)
        let live = Cursor(reader: current, transform: DecodedRecord.current)
        var actions: [ActionRecord] = []
        var pairs: [(desired: ProjectRecord, current: ProjectRecord)] = []
        while let record = try wanted.next() {
            guard case .project(let project) = record.body else {
                builder.addDesired(record.body)
                continue
            }
            declaring(project)
            // Everything of the current stream up to this project's position: the scopes over
            // it come first, and its own project record, if any, last.
            var match: ProjectRecord?
            while let next = try live.peek(), !RecordOrder.precedes(record.position, next.position) {
                _ = try live.next()
                if case .project(let candidate) = next.body {
                    if next.position == record.position { match = candidate }
                } else {
                    builder.addCurrent(next.body)
                }
            }
            if let match {
                pairs.append((project, match))
                if pairs.count >= batchSize { actions += Self.plan(pairs, into: &builder); pairs.removeAll(keepingCapacity: true) }
            } else {
                builder.unmatched(project)
            }
        }
        while let next = try live.next() {
            if case .project = next.body { continue }
            builder.addCurrent(next.body)
        }
        return actions + Self.plan(pairs, into: &builder)
    }

    private static func plan(_ pairs: [(desired: ProjectRecord, current: ProjectRecord)], into builder: inout PlanBuilder) -> [ActionRecord] {
        let planned = ConcurrentSlots<(actions: [ActionRecord], undeclared: [DeclaredAlert])>(count: pairs.count)
        DispatchQueue.concurrentPerform(iterations: pairs.count) { index in
            let actions = AlertPlanner.plan(desired: pairs[index].desired, current: pairs[index].current)
            planned.set(index, (actions, UndeclaredDeletes.candidates(actions, desired: pairs[index].desired)))
        }
        builder.deletesOfUndeclaredNames += (0..<pairs.count).flatMap { planned.get($0).undeclared }
        return (0..<pairs.count).flatMap { planned.get($0).actions }
    }
}

/// One stream's decoded records, pulled a batch at a time.
private final class Cursor {
    private let reader: StreamReader
    private let transform: @Sendable (StreamRecord) throws -> DecodedRecord
    private var buffer: [DecodedRecord] = []
    private var index = 0

    init(reader: StreamReader, transform: @escaping @Sendable (StreamRecord) throws -> DecodedRecord) {
        self.reader = reader
        self.transform = transform
    }

    func peek() throws -> DecodedRecord? {
        while index == buffer.count {
            guard let batch = try reader.nextBatch(transform: transform) else { return nil }
            buffer = batch
            index = 0
        }
        return buffer[index]
    }

    func next() throws -> DecodedRecord? {
        guard let record = try peek() else { return nil }
        index += 1
        return record
    }
}
