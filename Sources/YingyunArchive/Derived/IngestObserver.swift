/// Told about every instance once it is durably stored and indexed (after the acknowledgement
/// is decided). Must return at once: ingest never waits for what follows it.
public protocol IngestObserver: Sendable {
    func ingested(_ instance: IngestedInstance)
}
