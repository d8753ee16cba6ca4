/// Results of a `DispatchQueue.concurrentPerform`, written by index: each slot is written by
/// exactly one iteration and read only after all have finished, so no lock is needed.
final class ResultSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Result<Value, Error>?>

    init(count: Int) {
        slots = .allocate(capacity: max(1, count))
        slots.initialize(repeating: nil)
        self.count = count
    }

    private let count: Int

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ result: Result<Value, Error>) { slots[index] = result }

    /// Every value in index order, or the first failure by index.
    func values() throws -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            guard let result = slots[index] else { continue }
            values.append(try result.get())
        }
        return values
    }
}
