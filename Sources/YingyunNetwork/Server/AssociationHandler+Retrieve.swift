import Logging
import NIOConcurrencyHelpers
import NIOCore
import YingyunDICOM

/// C-GET and C-MOVE on an established association (PS3.4 C.4.2, C.4.3): the C-STORE
/// sub-operations, the pending responses with their counts, the final response.
extension AssociationHandler.Session {
    /// Bytes read from a stored object per step (a whole number of PDV fragments).
    static let subOperationChunk = 1 << 20

    mutating func runRetrieve(_ job: DIMSEMessageReceiver.RetrieveJob, association: AssociationContext) async throws {
        logger.info("retrieve started", metadata: [
            "dimse.operation": "\(job.request.model.isGet ? "C-GET" : "C-MOVE")", "dimse.instances": "\(job.instances.count)",
        ])
        let started = ContinuousClock.now
        let (counts, cancelled): (SubOperationCounts, Bool)
        if job.request.model.isGet {
            (counts, cancelled) = try await runGet(job, association: association)
            guard !closed else { return }
            try await sendFinal(job, counts: counts, cancelled: cancelled)
        } else {
            // The requestor's association is read meanwhile (a C-CANCEL-RQ may come); the watch
            // hands back what it read once the requestor speaks after the final response.
            let watch = MoveCancelWatch(inbound, moveMessageID: job.command.messageID ?? 0)
            let outcome = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await watch.run() }
                let outcome = try await runMove(job, association: association, watch: watch)
                if let outcome, !closed, !watch.peerGone {
                    try await sendFinal(job, counts: outcome.0, cancelled: outcome.1)
                }
                try await group.waitForAll()
                return outcome
            }
            pendingInbound.append(contentsOf: watch.items)
            guard let outcome, !closed, !watch.peerGone else { return }
            (counts, cancelled) = outcome
        }
        logger.info("retrieve finished", metadata: [
            "dimse.completed": "\(counts.completed)", "dimse.failed": "\(counts.failed)", "dimse.warning": "\(counts.warning)",
            "dimse.cancelled": "\(cancelled)", "dimse.seconds": "\(ContinuousClock.now - started)",
        ])
    }

    /// The final C-GET/C-MOVE-RSP; failed sub-operations are listed in (0008,0058) Failed SOP
    /// Instance UID List of an identifier (PS3.4 C.4.2.1.5, C.4.3.1.4).
    mutating func sendFinal(_ job: DIMSEMessageReceiver.RetrieveJob, counts: SubOperationCounts, cancelled: Bool, comment: String? = nil) async throws {
        let status = counts.finalStatus(cancelled: cancelled)
        var dataSet: ByteBuffer?
        if !counts.failedSOPInstanceUIDs.isEmpty, let context = receiver?.association.contexts[job.contextID],
            let writer = try? DataSetWriter(transferSyntax: TransferSyntax(uid: context.transferSyntax))
        {
            dataSet = try? writer.write(DataSet([DataElement(tag: .failedSOPInstanceUIDList, vr: .UI, strings: counts.failedSOPInstanceUIDs)]))
        }
        var rsp = CommandSet.retrieveResponse(to: job.command, status: status, counts: counts, errorComment: comment, hasDataSet: dataSet != nil)
        if cancelled { rsp.setUInt16(CommandSet.Element.numberOfRemainingSubOperations, UInt16(clamping: counts.remaining)) }
        try await sendMessage(rsp, dataSet: dataSet, contextID: job.contextID)
    }

    /// Sends one message (command, then its data set) on `contextID`.
    mutating func sendMessage(_ command: CommandSet, dataSet: ByteBuffer?, contextID: UInt8) async throws {
        for pdu in fragmenter.pdus(command.encoded(), contextID: contextID, isCommand: true) {
            if case .pData(let tf) = pdu { try await feed(.send(tf)) }
        }
        if let dataSet {
            for pdu in fragmenter.pdus(dataSet, contextID: contextID, isCommand: false) {
                if case .pData(let tf) = pdu { try await feed(.send(tf)) }
            }
        }
    }

    /// C-GET: every instance goes back on this association, on a storage context for which the
    /// peer took the SCP role: with the stored transfer syntax when the peer accepted it (bytes
    /// unchanged), else re-encoded into one it accepted (see `RetrievableInstance.route(among:)`).
    mutating func runGet(_ job: DIMSEMessageReceiver.RetrieveJob, association: AssociationContext) async throws -> (SubOperationCounts, Bool) {
        var counts = SubOperationCounts(remaining: job.instances.count)
        var cancelled = false
        let usable = association.contexts.values.filter { association.peerSCPRoles.contains($0.abstractSyntax) }
        for (index, instance) in job.instances.enumerated() {
            if cancelled || closed { break }
            RetrievableInstance.prefetch(job.instances, before: index)
            guard let opened = try await openSubOperation(
                instance, among: usable, operation: "C-GET", job: job, counts: &counts)
            else { continue }
            let route = opened.route
            var payload = opened.payload
            defer { payload.cancel() }
            messageID &+= 1
            let rq = CommandSet.request(
                .cStoreRQ, messageID: messageID, affectedSOPClassUID: instance.sopClassUID,
                affectedSOPInstanceUID: instance.sopInstanceUID, priority: 0, hasDataSet: true)
            try await sendMessage(rq, dataSet: nil, contextID: route.contextID)
            try await streamDataSet(&payload, contextID: route.contextID)
            let (status, cancel) = try await awaitStoreResponse(messageID: messageID)
            cancelled = cancelled || cancel
            counts.record(status, sopInstanceUID: instance.sopInstanceUID)
            if counts.remaining > 0 && !cancelled { try await sendPending(job, counts: counts) }
        }
        return (counts, cancelled && counts.remaining > 0)
    }

    /// Where one sub-operation's instance goes, with its payload opened (stored bytes, or the
    /// re-encoding started); nil when it cannot go — no accepted context for its SOP class in a
    /// syntax we can send, or unreadable, or not transcodable — and then the failure is counted,
    /// logged and a pending response sent.
    mutating func openSubOperation(
        _ instance: RetrievableInstance, among contexts: [AcceptedPresentationContext], operation: String,
        job: DIMSEMessageReceiver.RetrieveJob, counts: inout SubOperationCounts
    ) async throws -> (route: SubOperationRoute, payload: SubOperationPayload)? {
        guard let route = instance.route(among: contexts) else {
            logger.info("\(operation) sub-operation impossible: the peer accepted no context for the SOP class in a transfer syntax we can send", metadata: [
                "dimse.sop_class": "\(instance.sopClassUID)", "dimse.transfer_syntax": "\(instance.transferSyntaxUID)",
            ])
            counts.recordFailure(sopInstanceUID: instance.sopInstanceUID)
            try await sendPending(job, counts: counts)
            return nil
        }
        do {
            return (route, try await SubOperationPayload.open(instance, route: route))
        } catch {
            logger.error("\(operation): stored object unreadable or not transcodable", metadata: [
                "error": "\(error)", "dimse.transfer_syntax": "\(route.transcodeTo ?? instance.transferSyntaxUID)",
            ])
            counts.recordFailure(sopInstanceUID: instance.sopInstanceUID)
            try await sendPending(job, counts: counts)
            return nil
        }
    }

    mutating func sendPending(_ job: DIMSEMessageReceiver.RetrieveJob, counts: SubOperationCounts) async throws {
        guard counts.remaining > 0 else { return }
        try await sendMessage(.retrieveResponse(to: job.command, status: .pending, counts: counts), dataSet: nil, contextID: job.contextID)
    }

    /// The data set in chunks, each cut into PDUs of the peer's maximum length.
    mutating func streamDataSet(_ payload: inout SubOperationPayload, contextID: UInt8) async throws {
        let step = max(fragmenter.maximumFragment, (Self.subOperationChunk / fragmenter.maximumFragment) * fragmenter.maximumFragment)
        while let (chunk, isLast) = try await payload.next(step: step) {
            for pdu in fragmenter.pdus(chunk, contextID: contextID, isCommand: false, final: isLast) {
                if case .pData(let tf) = pdu { try await feed(.send(tf)) }
            }
        }
    }

    /// Reads PDUs until the C-STORE-RSP to `messageID` arrives. A C-CANCEL-RQ read meanwhile is
    /// noted (PS3.4 C.4.3.3: the current sub-operation still completes).
    /// - Returns: the sub-operation's status and whether a cancel arrived.
    /// - Throws: `DIMSEError` when the association ends or the peer sends something else.
    mutating func awaitStoreResponse(messageID: UInt16) async throws -> (DIMSEStatus, Bool) {
        try await awaitResponse(.cStoreRSP, messageID: messageID)
    }

    /// Reads PDUs until the `field` response to `messageID` arrives (C-CANCEL-RQs noted).
    mutating func awaitResponse(_ field: CommandField, messageID: UInt16) async throws -> (DIMSEStatus, Bool) {
        var bytes = ByteBuffer()
        var cancel = false
        while true {
            guard let item = try await nextInbound() else {
                throw DIMSEError(.connectionClosed, "connection closed while waiting for \(field)")
            }
            let event: AssociationHandler.Machine.Event
            switch item {
            case .pdu(let pdu): event = .received(pdu)
            case .invalid(let e): event = .invalidPDU(e)
            }
            let actions = machine.withLockedValue { $0.handle(event, now: clock.now) }
            var ended = false
            for action in actions {
                guard case .indicatePData(let p) = action else {
                    try await perform(action)
                    ended = true
                    continue
                }
                for pdv in p.values {
                    guard pdv.isCommand else {
                        throw DIMSEError(.unexpectedFragment, "data set fragment while waiting for \(field)")
                    }
                    var f = pdv.fragment
                    guard bytes.readableBytes + f.readableBytes <= DIMSEMessageReceiver.maximumCommandLength else {
                        throw DIMSEError(.commandTooLarge, "command set too long")
                    }
                    bytes.writeBuffer(&f)
                    guard pdv.isLast else { continue }
                    let command = try CommandSet.decode(bytes)
                    bytes.clear()
                    switch command.commandField {
                    case .cCancelRQ?:
                        logger.info("C-CANCEL received during a retrieve")
                        cancel = true
                    case .some(field) where command.messageIDBeingRespondedTo == messageID:
                        return (command.status ?? .processingFailure, cancel)
                    default:
                        throw DIMSEError(.unexpectedPDU, "\(command.commandField ?? CommandField(rawValue: 0)) while waiting for \(field)")
                    }
                }
            }
            if ended || closed {
                throw DIMSEError(.associationAborted, "association ended during a retrieve")
            }
        }
    }
}
