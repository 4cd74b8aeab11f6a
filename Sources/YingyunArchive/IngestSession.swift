public import Foundation
public import NIOCore
public import YingyunCatalog
public import YingyunStore
import Logging
import YingyunDICOM

/// One instance on its way in: bytes stream into a blob writer (hashed, staged on disk); at the
/// end the header is parsed from the staged bytes, checked, committed durably and indexed.
///
/// Order matters for "nothing acknowledged is lost, nothing half-written": the blob is durable
/// before its catalog row exists, and a failure after the blob commit removes a blob this
/// session created. Recovery re-indexes any object left without a row by a crash.
public final class IngestSession: @unchecked Sendable {
    // @unchecked: one task drives a session from begin to finish.
    let archive: Archive
    let writer: any BlobWriter
    let source: String
    let expectedStudyInstanceUID: String?
    private var closed = false

    init(archive: Archive, writer: any BlobWriter, source: String, expectedStudyInstanceUID: String?) {
        self.archive = archive
        self.writer = writer
        self.source = source
        self.expectedStudyInstanceUID = expectedStudyInstanceUID
    }

    public var bytesWritten: Int { writer.bytesWritten }

    public func write(_ buffer: ByteBuffer) async throws {
        do {
            try await writer.write(buffer)
        } catch {
            abort()
            throw IngestFailure(reason: .outOfResources, message: "could not stage the upload: \(error)")
        }
    }

    /// Drops what was staged (client went away, body malformed).
    public func abort() {
        guard !closed else { return }
        closed = true
        writer.abort()
    }

    /// Parses, validates, commits and indexes. Never throws: a failure is a result the client
    /// is told about.
    public func finish() async -> Result<IngestedInstance, IngestFailure> {
        guard !closed else {
            return .failure(IngestFailure(reason: .processingFailure, message: "ingest session already closed"))
        }
        let prepared: PreparedInstance
        do {
            prepared = try PreparedInstance.parse(
                StagedByteSource(writer: writer), expectedStudyInstanceUID: expectedStudyInstanceUID)
        } catch let failure as IngestFailure {
            abort()
            return .failure(failure)
        } catch {
            abort()
            return .failure(IngestFailure(reason: .processingFailure, message: "\(error)"))
        }
        closed = true
        let blob: StoredBlob
        do {
            blob = try await writer.commit()
        } catch {
            archive.logger.error("blob commit failed", metadata: ["error": "\(error)"])
            return .failure(prepared.failure(.outOfResources, "could not store the object durably: \(error)"))
        }
        let record = prepared.record(digest: blob.digest.hex, size: blob.size, source: source, receivedAt: Date())
        do {
            let outcome = try await archive.catalog.register(record, onConflict: archive.conflictPolicy)
            return .success(prepared.ingested(blob: blob, outcome: outcome))
        } catch {
            // Remove a blob this session created unless a row refers to it. Identical bytes carry
            // the same SOP Instance UID, so a concurrent identical ingest is found by that UID.
            if !blob.deduplicated,
               let row = try? await archive.catalog.instance(sopInstanceUID: prepared.sopInstanceUID),
               row.digest == blob.digest.hex {
                // Still referenced: keep it.
            } else if !blob.deduplicated {
                try? archive.store.remove(blob.digest)
            }
            if let e = error as? CatalogError {
                switch e {
                case .conflict:
                    return .failure(prepared.failure(.duplicateSOPInstance, e.description))
                case .missingAttribute, .invalidAttribute:
                    return .failure(prepared.failure(.dataSetDoesNotMatchSOPClass, e.description))
                case .invalidQuery, .storage:
                    break
                }
            }
            archive.logger.error("catalog register failed", metadata: ["error": "\(error)"])
            return .failure(prepared.failure(.processingFailure, "could not index the instance: \(error)"))
        }
    }
}
