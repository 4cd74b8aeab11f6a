public import Logging
import NIOCore
public import YingyunArchive
import YingyunCatalog
import YingyunDICOM
public import YingyunNetwork

/// The C-STORE SCP's storage: each received data set goes through the same ingest session as
/// a STOW-RS part (staged and hashed as it arrives, parsed, committed durably, indexed), behind
/// a File Meta Information group built from the command. The C-STORE-RSP is sent only after
/// `finish()` returned success, i.e. after the object is flushed and its row committed.
public struct ArchiveStoreHandler: StoreHandler {
    public let archive: Archive
    public let logger: Logger
    /// Fragments are gathered up to this size before each write (PDVs are often 16 KiB).
    public var writeSize: Int

    public init(archive: Archive, logger: Logger, writeSize: Int = 256 * 1024) {
        self.archive = archive
        self.logger = logger
        self.writeSize = writeSize
    }

    /// The catalog's source label of an instance received over DIMSE.
    public static func sourceLabel(callingAETitle: String, peerAddress: String) -> String {
        "DIMSE:\(callingAETitle)@\(peerAddress)"
    }

    /// Default issuers of patient IDs for `IdentityPolicy.defaultIssuerBySource`, keyed by
    /// source label: one entry per configured address of each entity that names an issuer.
    /// - Returns: the entries, and the AE titles whose issuer cannot be keyed (no addresses).
    public static func defaultIssuers(_ directory: ApplicationEntityDirectory) -> (issuers: [String: String], unkeyed: [String]) {
        var issuers: [String: String] = [:]
        var unkeyed: [String] = []
        for e in directory.entities {
            guard let issuer = e.defaultIssuerOfPatientID, !issuer.isEmpty else { continue }
            if e.addresses.isEmpty { unkeyed.append(e.aeTitle) }
            for address in e.addresses {
                issuers[sourceLabel(callingAETitle: e.aeTitle, peerAddress: address)] = issuer
            }
        }
        return (issuers, unkeyed)
    }

    public func openStore(_ request: StoreRequest) async throws -> any StoreSink {
        let session: IngestSession
        do {
            session = try archive.beginIngest(source: Self.sourceLabel(callingAETitle: request.callingAETitle, peerAddress: request.peerAddress))
            try await session.write(FileMetaInformation.header(
                sopClassUID: request.sopClassUID, sopInstanceUID: request.sopInstanceUID,
                transferSyntaxUID: request.transferSyntaxUID))
        } catch {
            logger.error("cannot stage a C-STORE", metadata: ["error": "\(error)"])
            throw StoreRefusal(.outOfResources, "cannot stage the object")
        }
        return ArchiveStoreSink(session: session, request: request, logger: logger, writeSize: writeSize)
    }
}

/// One data set on its way into an ingest session.
final class ArchiveStoreSink: StoreSink, @unchecked Sendable {
    // @unchecked: the association's single task drives a sink from open to finish/abort.
    let session: IngestSession
    let request: StoreRequest
    let logger: Logger
    let writeSize: Int
    private var pending = ByteBuffer()
    private var identityChecked = false

    init(session: IngestSession, request: StoreRequest, logger: Logger, writeSize: Int) {
        self.session = session
        self.request = request
        self.logger = logger
        self.writeSize = writeSize
    }

    func write(_ fragment: ByteBuffer) async throws {
        if pending.readableBytes == 0 && fragment.readableBytes >= writeSize {
            try await stage(fragment)
            return
        }
        var f = fragment
        pending.writeBuffer(&f)
        if pending.readableBytes >= writeSize { try await flushPending() }
    }

    private func flushPending() async throws {
        guard pending.readableBytes > 0 else { return }
        let b = pending
        pending = ByteBuffer()
        try await stage(b)
    }

    private func stage(_ b: ByteBuffer) async throws {
        if !identityChecked {
            identityChecked = true
            try checkIdentity(b)
        }
        do {
            try await session.write(b)
        } catch let f as IngestFailure {
            throw StoreRefusal(DIMSEStatus(rawValue: f.reason.rawValue), "cannot stage the object")
        }
    }

    func finish() async -> StoreOutcome {
        do {
            try await flushPending()
        } catch let r as StoreRefusal {
            session.abort()
            return r.outcome
        } catch {
            session.abort()
            return StoreOutcome(status: .outOfResources, comment: "cannot stage the object")
        }
        switch await session.finish() {
        case .success(let instance):
            logger.info("C-STORE stored", metadata: [
                "dicom.sop_instance_uid": "\(instance.sopInstanceUID)", "blob.digest": "\(instance.digest)",
                "dimse.outcome": "\(instance.outcome)",
            ])
            if instance.sopClassUID != request.sopClassUID {
                // Stored as sent; the requestor is told its command and data set disagree.
                return StoreOutcome(status: .dataSetDoesNotMatchSOPClassWarning, comment: "data set SOP class differs from the command's")
            }
            return .success
        case .failure(let failure):
            logger.notice("C-STORE refused", metadata: [
                "dicom.sop_instance_uid": "\(request.sopInstanceUID)", "reason": "\(failure.description)",
            ])
            return StoreOutcome(status: Self.status(for: failure.reason), comment: String(failure.message.prefix(64)))
        }
    }

    /// The data set must be the instance the command names.
    private func checkIdentity(_ first: ByteBuffer) throws {
        guard let (_, instance) = DataSetIdentity.read(first, transferSyntaxUID: request.transferSyntaxUID),
            let instance, instance != request.sopInstanceUID
        else { return }
        logger.notice("C-STORE refused: data set is another instance than the command's", metadata: [
            "dicom.sop_instance_uid": "\(request.sopInstanceUID)", "dimse.dataset_sop_instance_uid": "\(instance)",
        ])
        throw StoreRefusal(.dataSetDoesNotMatchSOPClass, "SOP Instance UID differs from the command's")
    }

    func abort() async {
        pending = ByteBuffer()
        session.abort()
    }

    /// IngestFailure reasons share the C-STORE code space (PS3.4 Table B.2-1, PS3.7 Annex C).
    static func status(for reason: FailureReason) -> DIMSEStatus {
        switch reason {
        case .processingFailure: return .processingFailure
        case .duplicateSOPInstance: return .duplicateSOPInstance
        case .sopClassNotSupported: return .sopClassNotSupported
        case .outOfResources: return .outOfResources
        case .dataSetDoesNotMatchSOPClass: return .dataSetDoesNotMatchSOPClass
        case .cannotUnderstand: return .cannotUnderstand
        case .transferSyntaxNotSupported: return DIMSEStatus(rawValue: 0xC122)
        }
    }
}
