import Foundation
import YingyunCatalog

/// The representative instance of recently shown studies and series (bounded; cleared whole
/// when full — it refills from the catalog on the next request).
final class RepresentativeCache: @unchecked Sendable {
    private struct Key: Hashable { var study: String; var series: String? }
    private let lock = NSLock()
    private var entries: [Key: StoredInstance] = [:]
    private let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    func get(study: String, series: String?) -> StoredInstance? {
        lock.withLock { entries[Key(study: study, series: series)] }
    }

    func put(_ instance: StoredInstance, study: String, series: String?) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[Key(study: study, series: series)] = instance
        }
    }

    /// The series and its study both may show another instance now.
    func remove(study: String, series: String) {
        lock.withLock {
            entries[Key(study: study, series: series)] = nil
            entries[Key(study: study, series: nil)] = nil
        }
    }
}
