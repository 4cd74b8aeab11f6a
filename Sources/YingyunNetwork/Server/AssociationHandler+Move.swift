import Logging
import NIOCore
import YingyunDICOM

/// C-MOVE (PS3.4 C.4.2): the sub-operations go to the move destination configured in the AE
/// directory, over a new association on which we are the C-STORE SCU; pending C-MOVE-RSPs with
/// the counts go back on the originating association.
extension AssociationHandler.Session {
    /// - Parameter watch: reads the requesting association meanwhile; a C-CANCEL-RQ it sees ends
    ///   the sub-operations after the current one, and so does the requestor going away.
    /// - Returns: the counts and whether cancelled; nil when the final response was already sent
    ///   (unknown destination, destination unreachable).
    mutating func runMove(
        _ job: DIMSEMessageReceiver.RetrieveJob, association: AssociationContext, watch: MoveCancelWatch
    ) async throws -> (SubOperationCounts, Bool)? {
        var counts = SubOperationCounts(remaining: job.instances.count)
        guard let destinationAE = job.command.moveDestination, !destinationAE.isEmpty,
            let destination = negotiator.directory.entity(destinationAE)?.moveDestination
        else {
            logger.notice("C-MOVE refused: move destination unknown", metadata: ["dimse.move_destination": "\(job.command.moveDestination ?? "")"])
            try await sendFinalStatus(job, .moveDestinationUnknown, comment: "move destination unknown")
            return nil
        }
        guard !job.instances.isEmpty else { return (counts, false) }
        let contexts = Self.moveContexts(for: job.instances)
        let request = AssociateRequest(
            calledAETitle: destinationAE, callingAETitle: negotiator.aeTitle, presentationContexts: contexts, userInformation: UserInformation())
        let originator = (aeTitle: association.callingAETitle, messageID: job.command.messageID ?? 0)
        let logger = self.logger
        var cancelled = false
        do {
            try await DIMSEClient.withAssociation(host: destination.host, port: destination.port, request: request) { sub in
                for (index, instance) in job.instances.enumerated() {
                    RetrievableInstance.prefetch(job.instances, before: index)
                    if watch.cancelRequested {
                        cancelled = true
                        logger.info("C-MOVE cancelled by the requestor", metadata: ["dimse.remaining": "\(counts.remaining)"])
                        break
                    }
                    if watch.peerGone { break }
                    guard let opened = try await openSubOperation(
                        instance, among: sub.acceptedContexts, operation: "C-MOVE", job: job, counts: &counts)
                    else { continue }
                    let route = opened.route
                    var payload = opened.payload
                    defer { payload.cancel() }
                    let rsp = try await sub.store(
                        sopClassUID: instance.sopClassUID, sopInstanceUID: instance.sopInstanceUID, contextID: route.contextID,
                        payload: &payload, moveOriginator: originator)
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
        return (counts, cancelled && counts.remaining > 0)
    }

    /// The presentation contexts proposed to the move destination (at most 128, PS3.8 §9.3.2.2):
    /// one per (SOP class, stored transfer syntax), so bytes can go unchanged; then, per SOP
    /// class, one with the syntaxes the instances can be re-encoded into, for a destination that
    /// takes only those (a workstation accepting Little Endian only).
    static func moveContexts(for instances: [RetrievableInstance]) -> [ProposedPresentationContext] {
        var contexts: [ProposedPresentationContext] = []
        var seen = Set<[String]>()
        for i in instances where seen.insert([i.sopClassUID, i.transferSyntaxUID]).inserted && contexts.count < 128 {
            contexts.append(ProposedPresentationContext(
                id: UInt8(contexts.count * 2 + 1), abstractSyntax: i.sopClassUID, transferSyntaxes: [i.transferSyntaxUID]))
        }
        var fallback: [String: [String]] = [:]
        var classes: [String] = []
        for i in instances {
            for syntax in i.transcoding?.transferSyntaxUIDs ?? [] {
                if fallback[i.sopClassUID] == nil { classes.append(i.sopClassUID) }
                if !(fallback[i.sopClassUID]?.contains(syntax) ?? false) { fallback[i.sopClassUID, default: []].append(syntax) }
            }
        }
        for sopClass in classes where contexts.count < 128 {
            contexts.append(ProposedPresentationContext(
                id: UInt8(contexts.count * 2 + 1), abstractSyntax: sopClass, transferSyntaxes: fallback[sopClass] ?? []))
        }
        return contexts
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
