/// Digests renamed into place whose flush has not completed yet, behind the lock that orders
/// renames against existence checks.
///
/// Such an object is not acknowledged (its flush may still fail), so it must not satisfy a
/// deduplicating commit, `contains` or `reader` either: the caller would acknowledge bytes a
/// power loss could still take away. Renames happen while holding this lock, so an existence
/// check made under it never sees a renamed object that is not also listed here.
final class UnflushedObjects: Sendable {
    struct Table {
        private var counts: [BlobDigest: Int] = [:]

        func contains(_ digest: BlobDigest) -> Bool { counts[digest, default: 0] > 0 }
        mutating func insert(_ digest: BlobDigest) { counts[digest, default: 0] += 1 }
        mutating func remove(_ digest: BlobDigest) {
            let n = counts[digest, default: 0] - 1
            counts[digest] = n > 0 ? n : nil
        }
    }

    private let table = Locked(Table())

    func withLock<R>(_ body: (inout Table) throws -> R) rethrows -> R {
        try table.withLock(body)
    }

    func remove(_ digest: BlobDigest) {
        table.withLock { $0.remove(digest) }
    }
}
