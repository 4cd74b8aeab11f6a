import YingyunCatalog

extension Archive {
    /// Step 3 for many committed sessions at once: one catalog transaction for all of them.
    /// Results come back in the sessions' order.
    public func register(_ sessions: [IngestSession]) async -> [Result<IngestedInstance, IngestFailure>] {
        let records = sessions.compactMap { $0.pendingRecord() }
        guard records.count == sessions.count else {
            // Not all committed: fall back to one by one (each reports its own state).
            var out: [Result<IngestedInstance, IngestFailure>] = []
            for s in sessions { out.append(await s.register()) }
            return out
        }
        let outcomes: [Result<RegisterOutcome, CatalogError>]
        do {
            outcomes = try await catalog.register(records, onConflict: conflictPolicy)
        } catch let e as CatalogError {
            outcomes = Array(repeating: .failure(e), count: sessions.count)
        } catch {
            outcomes = Array(repeating: .failure(.storage("\(error)")), count: sessions.count)
        }
        var out: [Result<IngestedInstance, IngestFailure>] = []
        out.reserveCapacity(sessions.count)
        for (session, outcome) in zip(sessions, outcomes) {
            out.append(await session.completed(outcome))
        }
        return out
    }
}
