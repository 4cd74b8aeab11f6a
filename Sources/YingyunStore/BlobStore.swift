public import NIOCore

/// Content-addressed storage of immutable byte objects, keyed by the SHA-256 of their bytes.
///
/// Knows nothing of DICOM. Implementations: `FileBlobStore` (objects/ab/cd/<hex> under a data
/// directory) and `InMemoryBlobStore` (the twin for tests).
public protocol BlobStore: Sendable {
    /// Starts a new object. Bytes are hashed as they are written; nothing is visible under a
    /// digest until `commit()` returns.
    func makeWriter() throws -> any BlobWriter

    /// Whether an object with this digest is stored.
    func contains(_ digest: BlobDigest) throws -> Bool

    /// Opens a stored object for random-access reads.
    /// - Throws: `BlobStoreError.notFound` when no such object is stored.
    func reader(for digest: BlobDigest) throws -> any BlobReader

    /// Removes an object (used for orphans and failed ingests). Removing a missing one is not an error.
    func remove(_ digest: BlobDigest) throws

    /// Every stored digest (for `verify`); order unspecified.
    func allDigests() throws -> [BlobDigest]

    /// Re-reads an object and hashes it again.
    /// - Returns: `true` when the bytes still hash to `digest`.
    func rehash(_ digest: BlobDigest) throws -> Bool
}

/// One object being written. Not shared between tasks: one writer per upload.
public protocol BlobWriter: AnyObject, Sendable {
    /// Appends bytes (hashing them as they pass).
    func write(_ buffer: ByteBuffer) async throws
    /// Bytes written so far.
    var bytesWritten: Int { get }
    /// Reads back already-written bytes before commit (the ingest pipeline parses the header
    /// from here without keeping the object in memory).
    func readStaged(at offset: Int, count: Int) throws -> ByteBuffer
    /// Makes the object durable under its digest: data flushed, renamed into place, directory
    /// entry flushed. Concurrent commits share flushes (group commit). When the digest is already
    /// stored the staged bytes are dropped and `deduplicated` is true.
    func commit() async throws -> StoredBlob
    /// Drops the staged bytes. Safe to call after a failed `write` or more than once.
    func abort()
}

/// Random-access reads of a stored object.
public protocol BlobReader: Sendable {
    var size: Int { get }
    /// Up to `count` bytes at `offset`; fewer only at the end.
    func read(at offset: Int, count: Int) throws -> ByteBuffer
    /// The same bytes appended to `buffer`, whose storage is reused when the caller holds the
    /// only reference (streaming recycles a few buffers instead of allocating one per chunk).
    func read(at offset: Int, count: Int, into buffer: inout ByteBuffer) throws
    /// Says the whole object will be read soon, so a store on disk can start reading it in the
    /// background: a study not read lately comes from disk, and its objects' reads then overlap
    /// the sending of earlier ones. Returns at once.
    func willRead()
}

extension BlobReader {
    public func willRead() {}

    public func read(at offset: Int, count: Int, into buffer: inout ByteBuffer) throws {
        var bytes = try read(at: offset, count: count)
        buffer.writeBuffer(&bytes)
    }
}

/// What `commit()` stored.
public struct StoredBlob: Sendable, Hashable {
    public var digest: BlobDigest
    public var size: Int
    /// True when identical bytes were already stored and nothing new was written.
    public var deduplicated: Bool
    public init(digest: BlobDigest, size: Int, deduplicated: Bool) {
        self.digest = digest
        self.size = size
        self.deduplicated = deduplicated
    }
}

public enum BlobStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(BlobDigest)
    case io(operation: String, path: String, errno: Int32)
    case writerClosed

    public var description: String {
        switch self {
        case .notFound(let d): return "blob \(d.hex) not found"
        case .io(let op, let path, let e): return "\(op) \(path): errno \(e)"
        case .writerClosed: return "blob writer already committed or aborted"
        }
    }
}
