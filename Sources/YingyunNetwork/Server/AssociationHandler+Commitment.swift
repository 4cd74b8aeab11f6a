import Logging
import NIOCore
import YingyunDICOM

/// Storage commitment (PS3.4 J.3.3): once the N-ACTION-RSP is sent, every reference is checked
/// and the result reported with N-EVENT-REPORT on this association; when the requestor has
/// already let it go, or answers the report with a failure status, on a new association to the
/// requestor's configured host and port.
extension AssociationHandler.Session {
    mutating func runCommitment(_ job: DIMSEMessageReceiver.CommitmentJob, association: AssociationContext) async {
        var result = StorageCommitmentResult(transactionUID: job.transactionUID)
        for reference in job.references {
            if let reason = await commitmentHandler?.failureReason(for: reference, callingAETitle: association.callingAETitle) {
                result.failed.append((reference, reason))
            } else {
                result.committed.append(reference)
            }
        }
        logger.info("storage commitment checked", metadata: [
            "dimse.committed": "\(result.committed.count)", "dimse.failed": "\(result.failed.count)",
        ])
        let syntax = association.contexts[job.contextID]?.transferSyntax ?? "1.2.840.10008.1.2"
        let information: ByteBuffer
        do {
            information = try DataSetWriter(transferSyntax: TransferSyntax(uid: syntax)).write(result.eventInformation())
        } catch {
            logger.error("storage commitment result not encodable", metadata: ["error": "\(error)"])
            return
        }
        do {
            messageID &+= 1
            let rq = CommandSet.nEventReportRequest(
                messageID: messageID, sopClassUID: StorageCommitment.sopClassUID, sopInstanceUID: StorageCommitment.sopInstanceUID,
                eventTypeID: result.eventTypeID)
            try await sendMessage(rq, dataSet: information, contextID: job.contextID)
            let (status, _) = try await awaitResponse(.nEventReportRSP, messageID: messageID)
            if status == .success {
                logger.info("storage commitment reported on the same association", metadata: ["dimse.status": "\(status)"])
                return
            }
            // Refused (e.g. a requestor already tearing the association down answers 0x0110):
            // the result was not taken, so it goes on a new association like an undelivered one.
            logger.info("storage commitment report refused on the same association", metadata: ["dimse.status": "\(status)"])
        } catch {
            logger.info("storage commitment: the association ended before the report", metadata: ["error": "\(error)"])
        }
        await reportOnNewAssociation(result, association: association)
    }

    /// PS3.4 J.3.3: the SCP may open an association itself; we then propose the commitment class
    /// with the SCP role for ourselves (role selection), and the requestor accepts as SCU.
    func reportOnNewAssociation(_ result: StorageCommitmentResult, association: AssociationContext) async {
        guard let destination = association.entity?.moveDestination ?? negotiator.directory.entity(association.callingAETitle)?.moveDestination else {
            logger.notice("storage commitment result not delivered: no host/port configured for the requestor")
            return
        }
        let request = AssociateRequest(
            calledAETitle: association.callingAETitle, callingAETitle: negotiator.aeTitle,
            presentationContexts: [.init(id: 1, abstractSyntax: StorageCommitment.sopClassUID, transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])],
            userInformation: UserInformation(roleSelections: [.init(sopClassUID: StorageCommitment.sopClassUID, scuRole: false, scpRole: true)]))
        do {
            let status = try await DIMSEClient.withAssociation(host: destination.host, port: destination.port, request: request) { a in
                try await a.eventReport(result)
            }
            logger.info("storage commitment reported on a new association", metadata: ["dimse.status": "\(status)"])
        } catch {
            logger.notice("storage commitment result not delivered", metadata: ["error": "\(error)"])
        }
    }
}

extension DIMSEAssociation {
    /// N-EVENT-REPORT of a storage commitment result (we are the SCP of the commitment class).
    /// - Returns: the N-EVENT-REPORT-RSP status.
    public mutating func eventReport(_ result: StorageCommitmentResult) async throws -> DIMSEStatus {
        guard let id = contextID(abstractSyntax: StorageCommitment.sopClassUID) else {
            throw DIMSEError(.noAcceptedContext, "the peer accepted no storage commitment presentation context")
        }
        let syntax = accept.presentationContexts.first { $0.id == id }?.transferSyntax ?? "1.2.840.10008.1.2"
        let rq = CommandSet.nEventReportRequest(
            messageID: 1, sopClassUID: StorageCommitment.sopClassUID, sopInstanceUID: StorageCommitment.sopInstanceUID,
            eventTypeID: result.eventTypeID)
        try await send(fragmenter.pdus(rq.encoded(), contextID: id, isCommand: true))
        let information = try DataSetWriter(transferSyntax: TransferSyntax(uid: syntax)).write(result.eventInformation())
        try await send(fragmenter.pdus(information, contextID: id, isCommand: false))
        return try await response().status ?? .processingFailure
    }
}
