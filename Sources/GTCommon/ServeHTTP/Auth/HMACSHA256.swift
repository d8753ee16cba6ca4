internal import CLibCrypto

/// HMAC-SHA256 from libcrypto (already linked for the cache seal), for HS256 tokens.
enum HMACSHA256 {
    static func mac(_ data: [UInt8], key: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        key.withUnsafeBytes { keyBytes in
            data.withUnsafeBytes { dataBytes in
                _ = HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                         dataBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), dataBytes.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    /// Whether two MACs are equal, in time that does not depend on where they differ
    /// (CRYPTO_memcmp): a signature cannot be guessed byte by byte from response times.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count, !a.isEmpty else { return false }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0 } }
    }
}
