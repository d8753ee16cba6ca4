internal import CLibCrypto
import GTStreams

/// Seals cache entries with AES-256-GCM under a key derived from the instance's API token.
///
/// Alert listings carry webhook URLs, and webhook URLs carry tokens; a cache file must not
/// hand them to whoever can read it. Whoever holds the API token can read GlitchTip itself, so
/// a key derived from it (HMAC-SHA256 of a fixed label) protects the files without a key of
/// their own to manage. The entry's cache key is the associated data: a file renamed to
/// another key does not open. A token that changes makes old entries misses.
public struct CacheSeal: Sendable {
    private let key: [UInt8]
    private static let magic = Array("GTC1".utf8)
    private static let nonceLength = 12
    private static let tagLength = 16

    /// - Parameter secret: the instance's API token (not kept: only the derived key is).
    public init?(secret: String) {
        let label = Array("gt cache entry key v1".utf8)
        var derived = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = Array(secret.utf8).withUnsafeBytes { secretBytes in
            label.withUnsafeBytes { labelBytes in
                HMAC(EVP_sha256(), secretBytes.baseAddress, Int32(secretBytes.count),
                     labelBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), labelBytes.count, &derived, &length)
            }
        }
        guard ok != nil, length == 32 else { return nil }
        key = Array(derived.prefix(32))
    }

    /// `magic | nonce | tag | ciphertext`, or nil when OpenSSL fails.
    public func seal(_ plaintext: [UInt8], entry: String) -> [UInt8]? {
        var nonce = [UInt8](repeating: 0, count: Self.nonceLength)
        guard RAND_bytes(&nonce, Int32(nonce.count)) == 1 else { return nil }
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        let aad = Array(entry.utf8)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: Self.tagLength)
        var written: Int32 = 0
        var total = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1,
              aad.isEmpty || EVP_EncryptUpdate(context, nil, &written, aad, Int32(aad.count)) == 1,
              EVP_EncryptUpdate(context, &ciphertext, &written, plaintext, Int32(plaintext.count)) == 1
        else { return nil }
        total = Int(written)
        let finished = ciphertext.withUnsafeMutableBufferPointer { buffer in
            EVP_EncryptFinal_ex(context, buffer.baseAddress! + total, &written)
        }
        guard finished == 1 else { return nil }
        total += Int(written)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), &tag) == 1 else { return nil }
        return Self.magic + nonce + tag + ciphertext.prefix(total)
    }

    /// The plaintext, or nil when the bytes are not an entry sealed for `entry` with this key.
    public func open(_ sealed: [UInt8], entry: String) -> [UInt8]? {
        let header = Self.magic.count + Self.nonceLength + Self.tagLength
        guard sealed.count >= header, Array(sealed.prefix(Self.magic.count)) == Self.magic else { return nil }
        let nonce = Array(sealed[Self.magic.count..<(Self.magic.count + Self.nonceLength)])
        var tag = Array(sealed[(Self.magic.count + Self.nonceLength)..<header])
        let ciphertext = Array(sealed[header...])
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        let aad = Array(entry.utf8)
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var written: Int32 = 0
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce) == 1,
              aad.isEmpty || EVP_DecryptUpdate(context, nil, &written, aad, Int32(aad.count)) == 1,
              EVP_DecryptUpdate(context, &plaintext, &written, ciphertext, Int32(ciphertext.count)) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), &tag) == 1
        else { return nil }
        let total = Int(written)
        let verified = plaintext.withUnsafeMutableBufferPointer { buffer in
            EVP_DecryptFinal_ex(context, buffer.baseAddress! + total, &written)
        }
        guard verified == 1 else { return nil }
        return Array(plaintext.prefix(total + Int(written)))
    }
}
