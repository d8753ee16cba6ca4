import Synchronization

/// Where a producer writes body records, in stream order.
public protocol RecordSink: Sendable {
    func write(_ record: EncodedRecord)
}

/// Consecutive parts of a stream (an instance's records, an organization's) produced
/// concurrently and written in order (docs/streams.md, "Order"): the part at the head writes
/// straight through to the parent sink, the parts after it are held in a ``RecordSpill``
/// (memory up to a few kilobytes, then an unlinked temporary file) until every part before
/// them is finished. So a producer emits as it goes, in order, in memory that does not grow
/// with the fleet, while the network answers in any order.
///
/// Every part from 0 up to the last one used must be finished, or those after it are never
/// written.
public final class OrderedSegments: Sendable {
    private struct State: ~Copyable {
        var head = 0
        var finished: Set<Int> = []
        var held: [Int: RecordSpill] = [:]
    }

    private let parent: any RecordSink
    /// Where held parts spill (``SystemCall/temporaryDirectory(environment:)``).
    public let spillDirectory: String
    private let state = Mutex(State())

    public init(parent: any RecordSink, spillDirectory: String) {
        self.parent = parent
        self.spillDirectory = spillDirectory
    }

    /// The first part not yet finished: parts before it are written.
    public var head: Int { state.withLock { $0.head } }

    /// The sink of part `index`.
    public func segment(_ index: Int) -> Segment { Segment(owner: self, index: index) }

    fileprivate func write(_ record: EncodedRecord, part: Int) {
        state.withLock { state in
            if part == state.head { return parent.write(record) }
            if state.held[part] == nil { state.held[part] = RecordSpill(directory: spillDirectory) }
            state.held[part]!.append(record)
        }
    }

    fileprivate func finish(part: Int) {
        state.withLock { state in
            state.finished.insert(part)
            while state.finished.remove(state.head) != nil {
                state.head += 1
                state.held.removeValue(forKey: state.head)?.drain(into: parent)
            }
        }
    }

    /// One part: write its records in order, then ``finish()`` it once.
    public struct Segment: RecordSink {
        let owner: OrderedSegments
        public let index: Int

        public func write(_ record: EncodedRecord) { owner.write(record, part: index) }
        public func finish() { owner.finish(part: index) }
    }
}
