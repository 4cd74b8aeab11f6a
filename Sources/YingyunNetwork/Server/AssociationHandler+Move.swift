import Logging
import NIOCore
import YingyunDICOM

/// C-MOVE (PS3.4 C.4.2): the sub-operations go to the move destination configured in the AE
/// directory, over a new association on which we are the C-STORE SCU; pending C-MOVE-RSPs with
/// the counts go back on the originating association.
extension AssociationHandler.Session {
    /// - Returns: the counts and whether cancelled; nil when the final response was already sent
    ///   (unknown destination, destination unreachable).
    mutating func runMove(_ job: DIMSEMessageReceiver.RetrieveJob, association: AssociationContext) async throws -> (SubOperationCounts, Bool)? {
        var counts = SubOperationCounts(remaining: job.instances.count)
        guard let destinationAE = job.command.moveDestination, !destinationAE.isEmpty,
            let destination = negotiator.directory.entity(destinationAE)?.moveDestination
        else {
            logger.notice("C-MOVE refused: move destination unknown", metadata: ["dimse.move_destination": "\(job.command.moveDestination ?? "")"])
            try await sendFinalStatus(job, .moveDestinationUnknown, comment: "move destination unknown")
            return nil
        }
        guard !job.instances.isEmpty else { return (counts, false) }
        // One presentation context per (SOP class, stored transfer syntax): bytes go out unchanged.
        var contexts: [ProposedPresentationContext] = []
        var seen = Set<[String]>()
        for i in job.instances where seen.insert([i.sopClassUID, i.transferSyntaxUID]).inserted && contexts.count < 128 {
            contexts.append(ProposedPresentationContext(
                id: UInt8(contexts.count * 2 + 1), abstractSyntax: i.sopClassUID, transferSyntaxes: [i.transferSyntaxUID]))
        }
        let request = AssociateRequest(
            calledAETitle: destinationAE, callingAETitle: negotiator.aeTitle, presentationContexts: contexts, userInformation: UserInformation())
        let originator = (aeTitle: association.callingAETitle, messageID: job.command.messageID ?? 0)
        let logger = self.logger
        do {
            try await DIMSEClient.withAssociation(host: destination.host, port: destination.port, request: request) { sub in
                for instance in job.instances {
                    guard let id = sub.contextID(abstractSyntax: instance.sopClassUID, transferSyntax: instance.transferSyntaxUID) else {
                        counts.recordFailure(sopInstanceUID: instance.sopInstanceUID)
                        try await sendPending(job, counts: counts)
                        continue
                    }
                    let opened: (source: any ByteSource, dataSet: Range<Int>)
                    do {
                        opened = try instance.open()
                    } catch {
                        logger.error("C-MOVE: stored object unreadable", metadata: ["error": "\(error)"])
                        counts.recordFailure(sopInstanceUID: instance.sopInstanceUID)
                        try await sendPending(job, counts: counts)
                        continue
                    }
                    let rsp = try await sub.store(
                        sopClassUID: instance.sopClassUID, sopInstanceUID: instance.sopInstanceUID, contextID: id,
                        source: opened.source, range: opened.dataSet, moveOriginator: originator)
                    counts.record(rsp.status ?? .processingFailure, sopInstanceUID: instance.sopInstanceUID)
                    try await sendPending(job, counts: counts)
                }
            }
        } catch let e as DIMSEError where e.code == .associationRejected || e.code == .connectionClosed || e.code == .associationAborted {
            logger.notice("C-MOVE destination association failed", metadata: ["dimse.move_destination": "\(destinationAE)", "error": "\(e)"])
            return try await failRemaining(job, counts: counts, comment: "move destination association failed")
        } catch where !closed && !(error is DIMSEError) {
            // Connect errors (refused, timeout) from NIO.
            logger.notice("C-MOVE destination unreachable", metadata: ["dimse.move_destination": "\(destinationAE)", "error": "\(error)"])
            return try await failRemaining(job, counts: counts, comment: "move destination unreachable")
        }
        return (counts, false)
    }

    /// The destination could not be reached or dropped the association: what remains failed.
    private mutating func failRemaining(_ job: DIMSEMessageReceiver.RetrieveJob, counts: SubOperationCounts, comment: String) async throws -> (SubOperationCounts, Bool)? {
        var counts = counts
        for instance in job.instances.suffix(counts.remaining) { counts.recordFailure(sopInstanceUID: instance.sopInstanceUID) }
        guard !closed else { return nil }
        try await sendFinal(job, counts: counts, cancelled: false, comment: comment)
        return nil
    }

    /// A final response with zero counts.
    mutating func sendFinalStatus(_ job: DIMSEMessageReceiver.RetrieveJob, _ status: DIMSEStatus, comment: String) async throws {
        try await sendMessage(
            .retrieveResponse(to: job.command, status: status, counts: SubOperationCounts(remaining: 0), errorComment: comment),
            dataSet: nil, contextID: job.contextID)
    }
}
