import GTStreams

/// Where every replica of gt-serve reads the tasks' states (README "Replicas"): a task is
/// recorded `pending` when admitted and its result when it ends, so a GET sent to any replica
/// behind a load balancer answers for a task another replica ran. Without one (no
/// `GT_CACHE_URL`) the tasks live in one replica's memory only.
public protocol ResultShelf: Sendable {
    /// The store, for messages: never a password.
    var label: String { get }
    /// Records task `id` as pending on this replica (whose heartbeat it refreshes first).
    func admit(_ id: String) async throws(ShelfError)
    /// Forgets task `id` (admitted here, then refused by the replica's memory).
    func withdraw(_ id: String) async
    /// Records the result of task `id`, as a GET answers it.
    func record(_ id: String, _ result: JSONValue) async throws(ShelfError)
    /// What the store holds for task `id`.
    func read(_ id: String) async throws(ShelfError) -> ShelvedTask
    /// Refreshes this replica's heartbeat and keeps its `pending` records from expiring.
    func refresh(pending ids: [String]) async throws(ShelfError)
    /// Whether the store answers now (readiness).
    func ping() async throws(ShelfError)
}

/// A task as the shared store holds it.
public enum ShelvedTask: Sendable, Equatable {
    /// Unknown: never admitted, or its record expired.
    case absent
    /// Queued or running on a replica whose heartbeat is alive.
    case pending
    /// Recorded pending by a replica whose heartbeat lapsed: it stopped without a result (the
    /// reason, for the task's `errors`).
    case stopped(String)
    /// The result, as a GET answers it.
    case finished(JSONValue)
}

/// The shared store could not be used: what went wrong, naming the store, never a secret.
public struct ShelfError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension TaskID {
    /// Whether `id` has the form of the ids gt-serve makes (a version 4 UUID, lowercase):
    /// anything else (`../x`, 10 kB, another case) is unknown without asking any store.
    static func isWellFormed(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 36 else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-")
                : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }
}
