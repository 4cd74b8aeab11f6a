public import Logging
public import YingyunCatalog
public import YingyunStore

/// The archive services: ingest (STOW-RS parts, C-STORE data sets, imported files), retrieval
/// lookups, verification and recovery — over a blob store and a catalog.
public struct Archive: Sendable {
    public let store: any BlobStore
    public let catalog: any Catalog
    public var conflictPolicy: ConflictPolicy
    public var logger: Logger
    /// Told of every stored instance (e.g. the thumbnail worker); set before ingest starts.
    public var ingestObserver: (any IngestObserver)?

    public init(store: any BlobStore, catalog: any Catalog, conflictPolicy: ConflictPolicy = .reject, logger: Logger = Logger(label: "yingyun.archive")) {
        self.store = store
        self.catalog = catalog
        self.conflictPolicy = conflictPolicy
        self.logger = logger
    }

    /// Starts receiving one instance. Write its bytes as they arrive, then `finish()`.
    /// - Parameters:
    ///   - source: who sends it ("HTTP:10.0.0.5", "AE:CT01", "IMPORT:/path").
    ///   - expectedStudyInstanceUID: the study named in a STOW-RS URL, which the instance must match.
    public func beginIngest(source: String, expectedStudyInstanceUID: String? = nil) throws -> IngestSession {
        IngestSession(archive: self, writer: try store.makeWriter(), source: source, expectedStudyInstanceUID: expectedStudyInstanceUID)
    }
}
