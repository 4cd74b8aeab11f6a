import Foundation
public import NIOCore
import YingyunCatalog
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
        if case .failure(let f) = prepare() { return .failure(f) }
        if case .failure(let f) = await commitBlob() { return .failure(f) }
        return await register()
    }

    private var prepared: PreparedInstance?
    private var blob: StoredBlob?

    /// Step 1: parse the staged header and check it. On failure the staged bytes are dropped.
    public func prepare() -> Result<Void, IngestFailure> {
        guard !closed, prepared == nil else {
            return .failure(IngestFailure(reason: .processingFailure, message: "ingest session already closed"))
        }
        do {
            prepared = try PreparedInstance.parse(
                StagedByteSource(writer: writer), expectedStudyInstanceUID: expectedStudyInstanceUID)
            return .success(())
        } catch let failure as IngestFailure {
            abort()
            return .failure(failure)
        } catch {
            abort()
            return .failure(IngestFailure(reason: .processingFailure, message: "\(error)"))
        }
    }

    /// Step 2: make the object durable. Many sessions may wait here at once: their flushes are
    /// shared, which is what lets one STOW-RS request of a whole study go faster than one flush
    /// per instance.
    public func commitBlob() async -> Result<StoredBlob, IngestFailure> {
        guard let prepared, !closed else {
            return .failure(IngestFailure(reason: .processingFailure, message: "ingest session not prepared"))
        }
        closed = true
        do {
            let b = try await writer.commit()
            blob = b
            return .success(b)
        } catch {
            archive.logger.error("blob commit failed", metadata: ["error": "\(error)"])
            return .failure(prepared.failure(.outOfResources, "could not store the object durably: \(error)"))
        }
    }

    /// Step 3: index the durable object; the instance is acknowledged after this.
    public func register() async -> Result<IngestedInstance, IngestFailure> {
        guard let record = pendingRecord() else {
            return .failure(IngestFailure(reason: .processingFailure, message: "ingest session not committed"))
        }
        do {
            let outcome = try await archive.catalog.register(record, onConflict: archive.conflictPolicy)
            return await completed(.success(outcome))
        } catch let e as CatalogError {
            return await completed(.failure(e))
        } catch {
            return await completed(.failure(.storage("\(error)")))
        }
    }

    /// The catalog record of a committed session (nil before step 2 succeeded).
    func pendingRecord() -> InstanceRecord? {
        guard let prepared, let blob else { return nil }
        return prepared.record(digest: blob.digest.hex, size: blob.size, source: source, receivedAt: Date())
    }

    /// Turns the catalog's answer into the client's; a refused row removes the blob it would have named.
    func completed(_ outcome: Result<RegisterOutcome, CatalogError>) async -> Result<IngestedInstance, IngestFailure> {
        guard let prepared, let blob else {
            return .failure(IngestFailure(reason: .processingFailure, message: "ingest session not committed"))
        }
        switch outcome {
        case .success(let o):
            let instance = prepared.ingested(blob: blob, outcome: o)
            if o != .duplicate { archive.ingestObserver?.ingested(instance) }
            return .success(instance)
        case .failure(let e):
            await discard()
            switch e {
            case .conflict:
                return .failure(prepared.failure(.duplicateSOPInstance, e.description))
            case .missingAttribute, .invalidAttribute:
                return .failure(prepared.failure(.dataSetDoesNotMatchSOPClass, e.description))
            case .invalidQuery, .storage:
                archive.logger.error("catalog register failed", metadata: ["error": "\(e)"])
                return .failure(prepared.failure(.processingFailure, "could not index the instance: \(e)"))
            }
        }
    }

    /// Undoes step 2 for an instance that will not be registered (its request failed): removes
    /// the blob if this session created it and no row refers to it. Identical bytes carry the
    /// same SOP Instance UID, so a concurrent identical ingest is found by that UID.
    public func discard() async {
        guard let blob, !blob.deduplicated, let prepared else { return }
        if let row = try? await archive.catalog.instance(sopInstanceUID: prepared.sopInstanceUID), row.digest == blob.digest.hex {
            return
        }
        try? archive.store.remove(blob.digest)
    }
}
