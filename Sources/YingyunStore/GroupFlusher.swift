#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CYingyunCrypto
import Dispatch

/// Group commit: one flush for every commit that arrived while the previous flush ran.
///
/// Runs on its own serial queue (a thread of its own while busy), so the ~4 ms flush never blocks
/// the cooperative pool. Per batch: rename each temporary into place, ONE `syncfs` of the store's
/// filesystem (file data, renames and new directories in one device flush), then resume every
/// waiter. A renamed object whose flush fails is removed again and its commit fails: nothing is
/// acknowledged that a power loss could take away.
final class GroupFlusher: Sendable {
    struct Commit: Sendable {
        let temporary: String
        let digest: BlobDigest
        let size: Int
        /// Resumed with `deduplicated` once the object is durable.
        let continuation: CheckedContinuation<Bool, any Error>
    }

    struct Statistics: Sendable {
        var flushes = 0
        var commits = 0
        var largestBatch = 0
    }

    private struct State {
        var pending: [Commit] = []
        var draining = false
        var statistics = Statistics()
    }

    private let state = Locked(State())
    private let queue = DispatchQueue(label: "yingyun.store.group-flush")
    private let placer: ObjectPlacer
    private let rootFD: Int32
    private let rootPath: String

    /// - Parameter rootFD: a descriptor on the store's filesystem; owned (closed) by the flusher.
    init(placer: ObjectPlacer, rootFD: Int32, rootPath: String) {
        self.placer = placer
        self.rootFD = rootFD
        self.rootPath = rootPath
    }

    deinit { close(rootFD) }

    var statistics: Statistics { state.withLock { $0.statistics } }

    func submit(_ commit: Commit) {
        let start = state.withLock { s -> Bool in
            s.pending.append(commit)
            if s.draining { return false }
            s.draining = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            let batch = state.withLock { s -> [Commit]? in
                if s.pending.isEmpty {
                    s.draining = false
                    return nil
                }
                defer { s.pending.removeAll(keepingCapacity: true) }
                return s.pending
            }
            guard let batch else { return }
            run(batch)
        }
    }

    private func run(_ batch: [Commit]) {
        var results = [Result<Bool, any Error>]()
        results.reserveCapacity(batch.count)
        var renamed = [BlobDigest]()
        // Commits whose answer rests on this batch's flush (their own rename, or a duplicate of it).
        var needsFlush = [Bool]()
        for commit in batch {
            do {
                switch try placer.place(commit.temporary, as: commit.digest, size: commit.size, markUnflushed: true) {
                case .renamed:
                    renamed.append(commit.digest)
                    results.append(.success(false))
                    needsFlush.append(true)
                case .deduplicated(let existingUnflushed):
                    results.append(.success(true))
                    needsFlush.append(existingUnflushed)
                }
            } catch {
                try? PosixFile.removeFile(commit.temporary)
                results.append(.failure(error))
                needsFlush.append(false)
            }
        }
        if !renamed.isEmpty {
            if let failure = flush() {
                for digest in renamed { try? PosixFile.removeFile(placer.layout.path(for: digest)) }
                for i in results.indices where needsFlush[i] { results[i] = .failure(failure) }
            }
        }
        for digest in renamed { placer.unflushed.remove(digest) }
        state.withLock {
            $0.statistics.flushes += renamed.isEmpty ? 0 : 1
            $0.statistics.commits += batch.count
            $0.statistics.largestBatch = max($0.statistics.largestBatch, batch.count)
        }
        for (commit, result) in zip(batch, results) { commit.continuation.resume(with: result) }
    }

    /// - Returns: the error, or nil when the filesystem was flushed.
    private func flush() -> BlobStoreError? {
        #if os(Linux)
        guard syncfs(rootFD) == 0 else { return PosixFile.error("syncfs", rootPath) }
        #else
        // No syncfs: schedule everything, then have the drive flush its cache (best effort).
        sync()
        guard fcntl(rootFD, F_FULLFSYNC) == 0 else { return PosixFile.error("fsync", rootPath) }
        #endif
        return nil
    }
}
