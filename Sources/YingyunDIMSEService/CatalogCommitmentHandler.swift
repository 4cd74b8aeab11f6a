public import Logging
public import YingyunCatalog
public import YingyunNetwork

/// Storage commitment over the catalog: an instance is committed when its row exists, because
/// a row is written only after its object was flushed and renamed into place (the ingest path
/// acknowledges nothing earlier).
public struct CatalogCommitmentHandler: CommitmentHandler {
    public let catalog: any Catalog
    public let logger: Logger

    public init(catalog: any Catalog, logger: Logger) {
        self.catalog = catalog
        self.logger = logger
    }

    public func failureReason(for reference: SOPReference, callingAETitle: String) async -> UInt16? {
        do {
            guard let row = try await catalog.instance(sopInstanceUID: reference.sopInstanceUID) else {
                return StorageCommitment.noSuchObjectInstance
            }
            return row.sopClassUID == reference.sopClassUID ? nil : StorageCommitment.classInstanceConflict
        } catch {
            logger.error("storage commitment: catalog lookup failed", metadata: ["error": "\(error)"])
            return DIMSEStatus.processingFailure.rawValue
        }
    }
}
