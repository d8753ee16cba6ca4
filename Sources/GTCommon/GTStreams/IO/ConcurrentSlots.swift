/// The results of a `DispatchQueue.concurrentPerform`, by index: each slot is written by
/// exactly one iteration and read only after all have finished, so no lock is needed.
public final class ConcurrentSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>
    public let count: Int

    public init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(1, count))
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    public func set(_ index: Int, _ value: Value) { slots[index] = value }

    /// The value at `index`; every slot must have been set.
    public func get(_ index: Int) -> Value { slots[index]! }
}

extension ConcurrentSlots {
    /// Every value in index order, or the first failure by index.
    public func values<T>() throws -> [T] where Value == Result<T, Error> {
        try (0..<count).map { try get($0).get() }
    }
}
