import NIOCore

/// The test twin of `FileBlobStore`: the same semantics (hash as bytes pass, deduplication,
/// abort, readStaged, nothing visible before commit), held in memory.
public final class InMemoryBlobStore: BlobStore {
    private struct State {
        var objects: [BlobDigest: ByteBuffer] = [:]
        var stagedWriters = 0
        var deduplicatedBytes = 0
        var commitFailure: BlobStoreError?
    }

    private let state = Locked(State())

    public init() {}

    /// Bytes not stored again because identical objects were already stored.
    public var totalDeduplicatedBytes: Int { state.withLock { $0.deduplicatedBytes } }

    /// Writers neither committed nor aborted (the twin of temporaries on disk).
    public var stagedWriterCount: Int { state.withLock { $0.stagedWriters } }

    public func makeWriter() throws -> any BlobWriter {
        state.withLock { $0.stagedWriters += 1 }
        return Writer(store: self)
    }

    public func contains(_ digest: BlobDigest) throws -> Bool {
        state.withLock { $0.objects[digest] != nil }
    }

    public func reader(for digest: BlobDigest) throws -> any BlobReader {
        guard let bytes = state.withLock({ $0.objects[digest] }) else { throw BlobStoreError.notFound(digest) }
        return Reader(bytes: bytes)
    }

    public func remove(_ digest: BlobDigest) throws {
        _ = state.withLock { $0.objects.removeValue(forKey: digest) }
    }

    public func allDigests() throws -> [BlobDigest] {
        state.withLock { Array($0.objects.keys) }
    }

    public func rehash(_ digest: BlobDigest) throws -> Bool {
        guard let bytes = state.withLock({ $0.objects[digest] }) else { throw BlobStoreError.notFound(digest) }
        return SHA256Hasher.digest(of: bytes) == digest
    }

    /// Makes every following commit fail with `error` (staged bytes dropped, nothing stored), as a
    /// full or failing disk would; nil restores normal commits. For tests of failure paths.
    public func failCommits(with error: BlobStoreError?) {
        state.withLock { $0.commitFailure = error }
    }

    /// Flips the bits of one stored byte, as a failing disk would (for `verify` tests).
    public func corrupt(_ digest: BlobDigest, at offset: Int) throws {
        try state.withLock { s in
            guard var bytes = s.objects[digest] else { throw BlobStoreError.notFound(digest) }
            let index = bytes.readerIndex + offset
            guard let old = bytes.getInteger(at: index, as: UInt8.self) else { return }
            bytes.setInteger(~old, at: index)
            s.objects[digest] = bytes
        }
    }

    private func store(_ bytes: ByteBuffer, as digest: BlobDigest) throws -> Bool {
        try state.withLock { s in
            s.stagedWriters -= 1
            if let failure = s.commitFailure { throw failure }
            if s.objects[digest] != nil {
                s.deduplicatedBytes += bytes.readableBytes
                return true
            }
            s.objects[digest] = bytes
            return false
        }
    }

    private func dropStaged() {
        state.withLock { $0.stagedWriters -= 1 }
    }

    private final class Writer: BlobWriter, @unchecked Sendable {
        private struct Staged {
            var bytes = ByteBuffer()
            var closed = false
            let hasher = SHA256Hasher()
        }

        private let store: InMemoryBlobStore
        private let staged = Locked(Staged())

        init(store: InMemoryBlobStore) { self.store = store }

        deinit { abort() }

        var bytesWritten: Int { staged.withLock { $0.bytes.readableBytes } }

        func write(_ buffer: ByteBuffer) async throws {
            try staged.withLock { s in
                guard !s.closed else { throw BlobStoreError.writerClosed }
                s.hasher.update(buffer)
                s.bytes.writeImmutableBuffer(buffer)
            }
        }

        func readStaged(at offset: Int, count: Int) throws -> ByteBuffer {
            try staged.withLock { s in
                guard !s.closed else { throw BlobStoreError.writerClosed }
                let available = max(0, min(count, s.bytes.readableBytes - offset))
                return s.bytes.getSlice(at: s.bytes.readerIndex + offset, length: available) ?? ByteBuffer()
            }
        }

        func commit() async throws -> StoredBlob {
            let (bytes, digest) = try staged.withLock { s in
                guard !s.closed else { throw BlobStoreError.writerClosed }
                s.closed = true
                defer { s.bytes = ByteBuffer() }
                return (s.bytes, s.hasher.finalize())
            }
            let deduplicated = try store.store(bytes, as: digest)
            return StoredBlob(digest: digest, size: bytes.readableBytes, deduplicated: deduplicated)
        }

        func abort() {
            let dropped = staged.withLock { s -> Bool in
                guard !s.closed else { return false }
                s.closed = true
                s.bytes = ByteBuffer()
                return true
            }
            if dropped { store.dropStaged() }
        }
    }

    private struct Reader: BlobReader {
        let bytes: ByteBuffer
        var size: Int { bytes.readableBytes }

        func read(at offset: Int, count: Int) throws -> ByteBuffer {
            let available = max(0, min(count, size - offset))
            return bytes.getSlice(at: bytes.readerIndex + offset, length: available) ?? ByteBuffer()
        }
    }
}
