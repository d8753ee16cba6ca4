import GTStreams

/// Reading entries from Redis without ever reading more than the file tier's cap
/// (``CacheDirectory/maxEntryBytes``), for one entry or for one call (README, "What gt never
/// does"): the size of each entry is asked first (`STRLEN`), only entries within the cap are
/// read, and each read is itself bounded to the size just learnt (`GETRANGE key 0 <size>`, at
/// most one byte more), so a value swapped for a larger one between the two cannot be read whole. A larger entry, or one that is not a string, is a miss
/// with a warning naming its key (never its content); the fresh listing then replaces it.
extension RedisCacheTier {
    /// Keys per round trip of sizes.
    private static let batch = 512
    /// What one call of ``read(_:)-(Array<String>)`` brings back in all (one entry at the cap, or
    /// many small ones): keys past it are left to be read one by one, each within the cap.
    static let pipelineBytes = CacheDirectory.maxEntryBytes

    public func read(_ key: String) throws -> [UInt8]? {
        try read([key])?.first ?? nil
    }

    public func read(_ keys: [String]) throws -> [[UInt8]?]? {
        var values = [[UInt8]?](repeating: nil, count: keys.count)
        var total = 0
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + Self.batch)
            let sizes = try unavailable { try client.withSession { try $0.pipeline(keys[start..<end].map { [Array("STRLEN".utf8), Array($0.utf8)] }) } }
            // What this call brings back stays within `pipelineBytes`: an entry past it is left
            // to a read of its own.
            var wanted: [(index: Int, size: Int)] = []
            for (offset, reply) in sizes.enumerated() {
                guard let size = try entrySize(keys[start + offset], reply), total + size <= Self.pipelineBytes else { continue }
                wanted.append((start + offset, size))
                total += size
            }
            if !wanted.isEmpty { try readRanges(wanted, keys, into: &values) }
            start = end
        }
        return values
    }

    /// The size of the entry `reply` (to `STRLEN key`) announces, when it is worth reading.
    private func entrySize(_ key: String, _ reply: RedisReply) throws -> Int? {
        switch reply {
        case .integer(let size) where size > CacheDirectory.maxEntryBytes:
            notices.add("shared cache entry \(key) ignored: \(size) bytes, over \(CacheDirectory.maxEntryBytes); "
                        + "the fresh listing replaces it")
            return nil
        case .integer(let size):
            return size > 0 ? Int(size) : nil  // 0: no such key
        case .error(let text) where text.hasPrefix("WRONGTYPE"):
            notices.add("shared cache entry \(key) ignored: not a string value; the fresh listing replaces it")
            return nil
        case .error(let text):
            // NOAUTH, a replica's LOADING…: the server is not usable as a cache.
            throw CacheTierUnavailable("\(client.url): STRLEN: \(text)")
        default:
            return nil
        }
    }

    /// Reads the entries of `group`, each bounded to one byte past its announced size: a longer
    /// answer means the value changed since its size was asked, and is a miss.
    private func readRanges(_ group: [(index: Int, size: Int)], _ keys: [String], into values: inout [[UInt8]?]) throws {
        let replies = try unavailable {
            try client.withSession { session in
                try session.pipeline(group.map { [Array("GETRANGE".utf8), Array(keys[$0.index].utf8), Array("0".utf8), Array(String($0.size).utf8)] })
            }
        }
        for (entry, reply) in zip(group, replies) {
            switch reply {
            case .string(let bytes) where !bytes.isEmpty && bytes.count <= entry.size: values[entry.index] = bytes
            case .error(let text) where !text.hasPrefix("WRONGTYPE"): throw CacheTierUnavailable("\(client.url): GETRANGE: \(text)")
            default: values[entry.index] = nil  // gone, replaced by another type, or grown since
            }
        }
    }
}
