/// Moves a finished temporary file to its digest's name, or drops it when that object is
/// already stored (deduplication). Every store mode places objects through here.
struct ObjectPlacer: Sendable {
    enum Outcome {
        /// The object was already there; the temporary file is gone. `existingUnflushed`: that
        /// object's own flush has not completed yet.
        case deduplicated(existingUnflushed: Bool)
        /// Renamed into place; `createdDirectories` (outer first) did not exist before.
        case renamed(createdDirectories: [String])
    }

    let layout: ObjectLayout
    let unflushed: UnflushedObjects

    /// An object of the same digest but another size is torn: a crash came between its rename and
    /// its flush (never acknowledged). The new bytes replace it instead of deduplicating against it.
    ///
    /// - Parameter markUnflushed: list the renamed digest as unflushed; the caller removes it
    ///   once its flush completed (or failed and the object was removed again).
    func place(_ temporary: String, as digest: BlobDigest, size: Int, markUnflushed: Bool) throws -> Outcome {
        let final = layout.path(for: digest)
        let (outer, inner) = layout.directories(for: digest)
        // The existence check and the rename under one lock: two commits of the same bytes
        // cannot both rename, and a concurrent check never misses an unflushed object.
        let outcome: Outcome = try unflushed.withLock { table in
            if PosixFile.size(of: final) == size {
                return .deduplicated(existingUnflushed: table.contains(digest))
            }
            var created = [String]()
            if try PosixFile.makeDirectory(outer) { created.append(outer) }
            if try PosixFile.makeDirectory(inner) { created.append(inner) }
            try PosixFile.rename(temporary, final)
            if markUnflushed { table.insert(digest) }
            return .renamed(createdDirectories: created)
        }
        if case .deduplicated = outcome { try PosixFile.removeFile(temporary) }
        return outcome
    }

    /// Whether a stored, flushed object has this digest (and, if given, this size).
    func isSettled(_ digest: BlobDigest, size: Int? = nil) -> Bool {
        unflushed.withLock { table in
            guard !table.contains(digest), let stored = PosixFile.size(of: layout.path(for: digest)) else { return false }
            return size == nil || stored == size
        }
    }
}
