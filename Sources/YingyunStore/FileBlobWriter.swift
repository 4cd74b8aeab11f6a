#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CYingyunCrypto
import NIOCore

/// Streams one object into a temporary file under the store's `tmp/`, hashing as bytes pass.
///
/// Writes go to the page cache and stay synchronous; only the commit's flush waits, and that
/// happens on the group flusher's thread.
final class FileBlobWriter: BlobWriter, @unchecked Sendable {
    private struct State {
        var fd: Int32
        var written = 0
        /// Bytes already handed to the kernel's writeback (see `write`).
        var writebackStarted = 0
        var closed = false
        let hasher = SHA256Hasher()
    }

    private let store: FileBlobStore
    private let temporary: String
    // Guarded although one task owns a writer: `abort()` may come from a cancellation handler.
    private let state: Locked<State>

    init(store: FileBlobStore, fd: Int32, temporary: String) {
        self.store = store
        self.temporary = temporary
        state = Locked(State(fd: fd))
    }

    deinit { abort() }

    var bytesWritten: Int { state.withLock { $0.written } }

    func write(_ buffer: ByteBuffer) async throws {
        try state.withLock { s in
            guard !s.closed else { throw BlobStoreError.writerClosed }
            do {
                try buffer.withUnsafeReadableBytes { bytes in
                    try PosixFile.writeAll(s.fd, bytes, at: s.written, path: temporary)
                    s.hasher.update(bytes)
                }
            } catch {
                // Partly written bytes would be hashed wrongly: this object cannot be committed.
                discard(&s)
                throw error
            }
            s.written += buffer.readableBytes
            #if os(Linux)
            // Start writing back each full stretch now, while the rest of the object is still
            // arriving: the commit's flush then waits for the tail only, not for the whole object.
            if s.written - s.writebackStarted >= Self.writebackStretch {
                _ = sync_file_range(s.fd, Int64(s.writebackStarted), Int64(s.written - s.writebackStarted), 2)
                s.writebackStarted = s.written
            }
            #endif
        }
    }

    /// Writeback is started every this many bytes.
    static let writebackStretch = 256 << 10

    func readStaged(at offset: Int, count: Int) throws -> ByteBuffer {
        try state.withLock { s in
            guard !s.closed else { throw BlobStoreError.writerClosed }
            let available = max(0, min(count, s.written - offset))
            return try PosixFile.read(s.fd, at: offset, count: available, path: temporary)
        }
    }

    func commit() async throws -> StoredBlob {
        let (fd, size, digest) = try state.withLock { s in
            guard !s.closed else { throw BlobStoreError.writerClosed }
            s.closed = true
            return (s.fd, s.written, s.hasher.finalize())
        }
        do {
            let deduplicated = try await store.commitStaged(fd: fd, temporary: temporary, digest: digest, size: size)
            return StoredBlob(digest: digest, size: size, deduplicated: deduplicated)
        } catch {
            try? PosixFile.removeFile(temporary)
            throw error
        }
    }

    func abort() {
        state.withLock { discard(&$0) }
    }

    private func discard(_ s: inout State) {
        guard !s.closed else { return }
        s.closed = true
        close(s.fd)
        unlink(temporary)
    }
}
