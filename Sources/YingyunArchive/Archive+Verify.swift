import YingyunCatalog
import YingyunStore

/// The result of `yingyun verify`: every object re-hashed, every row checked for its object.
public struct VerifyReport: Sendable {
    public var objectsChecked: Int = 0
    public var bytesChecked: Int = 0
    /// Objects whose bytes no longer hash to their name.
    public var corrupt: [String] = []
    /// Digests a catalog row refers to that the store does not hold.
    public var missing: [String] = []
    /// Objects no catalog row refers to.
    public var orphaned: [String] = []

    public var isClean: Bool { corrupt.isEmpty && missing.isEmpty && orphaned.isEmpty }
}

extension Archive {
    /// Re-hashes every object and cross-checks objects against catalog rows.
    /// - Parameter progress: called after each object with (done, total).
    public func verify(rehash: Bool = true, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> VerifyReport {
        var report = VerifyReport()
        let referenced = try await catalog.referencedDigests()
        let stored = try store.allDigests()
        let storedHex = Set(stored.map(\.hex))
        report.missing = referenced.subtracting(storedHex).sorted()
        for (i, digest) in stored.sorted().enumerated() {
            if !referenced.contains(digest.hex) { report.orphaned.append(digest.hex) }
            if rehash {
                if try !store.rehash(digest) { report.corrupt.append(digest.hex) }
                report.bytesChecked += (try? store.reader(for: digest).size) ?? 0
            }
            report.objectsChecked += 1
            progress?(i + 1, stored.count)
        }
        return report
    }
}
