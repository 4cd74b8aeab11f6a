import CYingyunCrypto
public import NIOCore

/// Incremental SHA-256 over libcrypto's EVP interface: bytes are hashed as they stream past, so
/// an object's name is known the moment its last byte is written.
///
/// Not thread-safe: one hasher per stream.
public final class SHA256Hasher {
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed (out of memory)") }
        self.context = context
        reset()
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // Only fails on a corrupt context; continuing would name the object wrongly.
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else { fatalError("EVP_DigestUpdate failed") }
    }

    /// Hashes the buffer's readable bytes (its reader index is not moved).
    public func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { update($0) }
    }

    /// The digest of everything passed since `init` or the previous `finalize`; the hasher is then
    /// reset and may be reused.
    public func finalize() -> BlobDigest {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &out, &length) == 1, length == 32 else {
            fatalError("EVP_DigestFinal_ex failed")
        }
        reset()
        return BlobDigest(bytes: out)
    }

    /// One-shot digest of a buffer's readable bytes.
    public static func digest(of buffer: ByteBuffer) -> BlobDigest {
        let hasher = SHA256Hasher()
        hasher.update(buffer)
        return hasher.finalize()
    }

    private func reset() {
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { fatalError("EVP_DigestInit_ex failed") }
    }
}
