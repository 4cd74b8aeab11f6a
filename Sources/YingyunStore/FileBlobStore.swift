#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Content-addressed objects in a directory: `objects/ab/cd/<sha256hex>`, written through
/// temporaries under `tmp/` and renamed into place on commit. See `SyncMode` for durability.
public final class FileBlobStore: BlobStore {
    public let root: String
    public let syncMode: SyncMode
    let layout: ObjectLayout
    let placer: ObjectPlacer
    private let flusher: GroupFlusher?
    private let temporaryNames = TemporaryNames()
    private let counters = Locked((nextTemporary: 0, deduplicatedBytes: 0))

    /// Opens (creating if needed) a store under `root` and removes temporaries left by a
    /// previous process.
    public init(root: String, syncMode: SyncMode = .groupFlush) throws {
        layout = ObjectLayout(root: root)
        self.root = layout.root
        self.syncMode = syncMode
        placer = ObjectPlacer(layout: layout, unflushed: UnflushedObjects())

        try Self.makeDirectories(layout.root)
        try PosixFile.makeDirectory(layout.objects)
        try PosixFile.makeDirectory(layout.temporaries)
        if syncMode == .groupFlush {
            let fd = open(layout.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw PosixFile.error("open", layout.root) }
            flusher = GroupFlusher(placer: placer, rootFD: fd, rootPath: layout.root)
        } else {
            flusher = nil
        }
        try cleanTemporaries()
    }

    /// Bytes not written because identical objects were already stored, since this store was opened.
    public var totalDeduplicatedBytes: Int { counters.withLock { $0.deduplicatedBytes } }

    /// Device flushes issued by group commit since this store was opened (0 in other modes).
    public var flushCount: Int { flusher?.statistics.flushes ?? 0 }

    /// Removes temporaries no running writer owns: leftovers of a crashed or killed process (their
    /// commits were never acknowledged) and files not named like temporaries. Writers of other
    /// live store instances or processes on this directory (e.g. `verify` beside a running
    /// server) are left alone. Runs in `init`.
    /// - Returns: how many were removed.
    @discardableResult
    public func cleanTemporaries() throws -> Int {
        var removed = 0
        for name in try PosixFile.entries(of: layout.temporaries) where temporaryNames.isStale(name) {
            try PosixFile.removeFile(layout.temporaries + "/" + name)
            removed += 1
        }
        return removed
    }

    public func makeWriter() throws -> any BlobWriter {
        while true {
            let n = counters.withLock { c -> Int in
                defer { c.nextTemporary += 1 }
                return c.nextTemporary
            }
            let path = layout.temporaries + "/" + temporaryNames.name(n)
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 { return FileBlobWriter(store: self, fd: fd, temporary: path) }
            if errno == EEXIST || errno == EINTR { continue }
            throw PosixFile.error("create", path)
        }
    }

    /// Where a stored object's file is (for streaming it with other file APIs). Says nothing about
    /// whether it is stored: check `contains` first.
    public func objectPath(for digest: BlobDigest) -> String {
        layout.path(for: digest)
    }

    public func contains(_ digest: BlobDigest) throws -> Bool {
        placer.isSettled(digest)
    }

    public func reader(for digest: BlobDigest) throws -> any BlobReader {
        try FileBlobReader(path: try settledPath(digest), digest: digest)
    }

    public func remove(_ digest: BlobDigest) throws {
        try PosixFile.removeFile(layout.path(for: digest))
    }

    public func allDigests() throws -> [BlobDigest] {
        var digests = [BlobDigest]()
        for ab in try PosixFile.entries(of: layout.objects) where ab.utf8.count == 2 {
            let outer = layout.objects + "/" + ab
            for cd in try PosixFile.entries(of: outer) where cd.utf8.count == 2 {
                for name in try PosixFile.entries(of: outer + "/" + cd) {
                    // Only names that are digests and sit in their own directory.
                    guard let digest = BlobDigest(hex: name), digest.hex == name,
                          name.hasPrefix(ab + cd) else { continue }
                    digests.append(digest)
                }
            }
        }
        let unflushed = placer.unflushed
        return unflushed.withLock { table in digests.filter { !table.contains($0) } }
    }

    public func rehash(_ digest: BlobDigest) throws -> Bool {
        let path = try settledPath(digest)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw BlobStoreError.notFound(digest) }
            throw PosixFile.error("open", path)
        }
        defer { close(fd) }
        let hasher = SHA256Hasher()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFile.error("read", path)
            }
            if n == 0 { break }
            chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            offset += n
        }
        return hasher.finalize() == digest
    }

    // MARK: - Commit (called by FileBlobWriter)

    /// Makes a finished temporary durable under `digest` as `syncMode` says. Takes ownership of `fd`.
    /// - Returns: whether the object was already stored.
    func commitStaged(fd: Int32, temporary: String, digest: BlobDigest, size: Int) async throws -> Bool {
        let deduplicated: Bool
        switch syncMode {
        case .none:
            close(fd)
            if case .deduplicated = try placer.place(temporary, as: digest, size: size, markUnflushed: false) {
                deduplicated = true
            } else {
                deduplicated = false
            }
        case .groupFlush:
            close(fd)
            if placer.isSettled(digest, size: size) {
                // Stored and flushed by an earlier commit: durable already, no flush to wait for.
                try PosixFile.removeFile(temporary)
                deduplicated = true
            } else {
                let flusher = flusher!
                deduplicated = try await withCheckedThrowingContinuation { continuation in
                    flusher.submit(.init(temporary: temporary, digest: digest, size: size, continuation: continuation))
                }
            }
        case .perFile:
            let placer = placer
            deduplicated = try await Self.runBlocking {
                try Self.commitAlone(fd: fd, temporary: temporary, digest: digest, size: size, placer: placer)
            }
        }
        if deduplicated { counters.withLock { $0.deduplicatedBytes += size } }
        return deduplicated
    }

    /// Per-file durability: fdatasync, rename, fsync of the directory (and of new parents).
    private static func commitAlone(
        fd: Int32, temporary: String, digest: BlobDigest, size: Int, placer: ObjectPlacer
    ) throws -> Bool {
        let synced = fdatasync(fd)
        let syncError = errno
        close(fd)
        guard synced == 0 else { throw PosixFile.error("fdatasync", temporary, syncError) }
        let (_, inner) = placer.layout.directories(for: digest)
        switch try placer.place(temporary, as: digest, size: size, markUnflushed: true) {
        case .renamed(let created):
            defer { placer.unflushed.remove(digest) }
            do {
                try PosixFile.syncDirectory(inner)
                for dir in created { try PosixFile.syncDirectory(parent(of: dir)) }
            } catch {
                try? PosixFile.removeFile(placer.layout.path(for: digest))
                throw error
            }
            return false
        case .deduplicated(let existingUnflushed):
            if existingUnflushed {
                // Its own commit is still flushing: flush it here too rather than wait for it.
                let path = placer.layout.path(for: digest)
                let existing = open(path, O_RDONLY | O_CLOEXEC)
                guard existing >= 0 else { throw PosixFile.error("open", path) }
                defer { close(existing) }
                guard fdatasync(existing) == 0 else { throw PosixFile.error("fdatasync", path) }
                try PosixFile.syncDirectory(inner)
            }
            return true
        }
    }

    private func settledPath(_ digest: BlobDigest) throws -> String {
        guard placer.isSettled(digest) else { throw BlobStoreError.notFound(digest) }
        return layout.path(for: digest)
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `mkdir -p`.
    private static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            try PosixFile.makeDirectory(prefix)
        }
    }

    /// Runs blocking file work off the cooperative pool.
    private static func runBlocking<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
