import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Serves one TCP connection as an association acceptor: feeds the state machine with PDUs and
/// timer expiries and carries out its actions (PS3.8 §9.2). The inbound PDUs are an async
/// stream with backpressure: while a data set fragment is being written to its sink, no more
/// bytes are read from the socket.
struct AssociationHandler: Sendable {
    let configuration: DIMSEServerConfiguration
    let handler: any StoreHandler
    let queryHandler: (any QueryHandler)?
    var retrieveHandler: (any RetrieveHandler)? = nil
    var commitmentHandler: (any CommitmentHandler)? = nil
    let logger: Logger
    let overLimit: Bool

    typealias Machine = AssociationStateMachine<ContinuousClock.Instant>

    func run(_ channel: NIOAsyncChannel<InboundPDU, PDU>) async {
        let peer = channel.channel.remoteAddress?.ipAddress ?? "unknown"
        var peerLogger = self.logger
        peerLogger[metadataKey: "dimse.peer"] = "\(peer)"
        let logger = peerLogger
        let clock = ContinuousClock()
        let machine = NIOLockedValueBox(Machine(artimTimeout: configuration.artimTimeout, idleTimeout: configuration.idleTimeout))
        _ = machine.withLockedValue { $0.handle(.transportConnected, now: clock.now) }
        var negotiator = AssociationNegotiator(
            aeTitle: configuration.aeTitle, directory: configuration.directory, maximumPDULength: configuration.maximumPDULength,
            servesQuery: queryHandler != nil)
        negotiator.servesRetrieve = retrieveHandler != nil
        negotiator.servesCommitment = commitmentHandler != nil
        let close: @Sendable () -> Void = { channel.channel.close(promise: nil) }
        do {
            try await channel.executeThenClose { inbound, outbound in
                await withThrowingTaskGroup(of: Void.self) { group in
                    // The timers: sleep until the next deadline, then let the machine decide.
                    group.addTask {
                        while !Task.isCancelled {
                            let deadline = machine.withLockedValue { $0.nextDeadline }
                            let wake = min(deadline ?? clock.now.advanced(by: .seconds(1)), clock.now.advanced(by: .milliseconds(250)))
                            try await Task.sleep(until: wake, clock: clock)
                            let actions = machine.withLockedValue { $0.expire(now: clock.now) }
                            for action in actions {
                                switch action {
                                case .send(let pdu): try? await outbound.write(pdu)
                                case .closeTransport: close()
                                case .log(let m): logger.info("association timer", metadata: ["reason": "\(m)"])
                                default: break
                                }
                            }
                        }
                    }
                    var session = Session(
                        machine: machine, clock: clock, outbound: outbound, close: close, logger: logger,
                        negotiator: negotiator, handler: handler, queryHandler: queryHandler, retrieveHandler: retrieveHandler,
                        peer: peer, overLimit: overLimit, inbound: inbound.makeAsyncIterator())
                    session.commitmentHandler = commitmentHandler
                    do {
                        // The session owns the iterator: a C-GET reads its sub-operations'
                        // responses from it in the middle of a request.
                        while let item = try await session.nextInbound() {
                            let event: Machine.Event
                            switch item {
                            case .pdu(let pdu): event = .received(pdu)
                            case .invalid(let e): event = .invalidPDU(e)
                            }
                            try await session.feed(event)
                            if session.closed { break }
                        }
                    } catch {
                        logger.info("association connection error", metadata: ["error": "\(error)"])
                    }
                    await session.connectionClosed()
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("association ended with an error", metadata: ["error": "\(error)"])
        }
    }

    /// The per-association state the inbound loop owns.
    struct Session {
        let machine: NIOLockedValueBox<Machine>
        let clock: ContinuousClock
        let outbound: NIOAsyncChannelOutboundWriter<PDU>
        let close: @Sendable () -> Void
        var logger: Logger
        let negotiator: AssociationNegotiator
        let handler: any StoreHandler
        let queryHandler: (any QueryHandler)?
        let retrieveHandler: (any RetrieveHandler)?
        let peer: String
        let overLimit: Bool
        var inbound: NIOAsyncChannelInboundStream<InboundPDU>.AsyncIterator
        /// PDUs already read from `inbound` (by a C-MOVE's cancel watch) and not yet handled.
        var pendingInbound: [InboundPDU] = []
        var commitmentHandler: (any CommitmentHandler)? = nil
        /// Message IDs of the requests we send on this association (C-GET sub-operations, N-EVENT-REPORT).
        var messageID: UInt16 = 0
        var receiver: DIMSEMessageReceiver?
        var fragmenter = PDVFragmenter(peerMaximumLength: 0)
        var closed = false

        /// The next inbound PDU: those read ahead first, then the connection's.
        mutating func nextInbound() async throws -> InboundPDU? {
            if !pendingInbound.isEmpty { return pendingInbound.removeFirst() }
            return try await inbound.next()
        }

        mutating func feed(_ event: Machine.Event) async throws {
            let actions = machine.withLockedValue { $0.handle(event, now: clock.now) }
            for action in actions { try await perform(action) }
        }

        /// Sends P-DATA-TF PDUs through the state machine, written and flushed together.
        mutating func send(_ pdus: [PDataTF]) async throws {
            var out: [PDU] = []
            out.reserveCapacity(pdus.count)
            for tf in pdus {
                let actions = machine.withLockedValue { $0.handle(.send(tf), now: clock.now) }
                for action in actions {
                    if case .send(let pdu) = action {
                        out.append(pdu)
                        continue
                    }
                    if !out.isEmpty { try await outbound.write(contentsOf: out) }
                    out = []
                    try await perform(action)
                }
            }
            if !out.isEmpty { try await outbound.write(contentsOf: out) }
        }

        mutating func perform(_ action: Machine.Action) async throws {
            switch action {
            case .send(let pdu):
                try await outbound.write(pdu)
            case .closeTransport:
                closed = true
                close()
            case .log(let message):
                logger.info("association protocol error", metadata: ["reason": "\(message)"])
            case .indicateAssociateRequest(let rq):
                if overLimit {
                    logger.notice("association rejected: too many associations")
                    try await feed(.reject(.localLimitExceeded))
                    return
                }
                switch negotiator.negotiate(rq, peerAddress: peer) {
                case .accept(let ac, let context):
                    logger[metadataKey: "dimse.calling_ae"] = "\(context.callingAETitle)"
                    receiver = DIMSEMessageReceiver(
                        association: context, handler: handler, queryHandler: queryHandler, retrieveHandler: retrieveHandler, logger: logger)
                    receiver?.commitmentHandler = commitmentHandler
                    fragmenter = PDVFragmenter(peerMaximumLength: context.peerMaximumLength)
                    logger.info("association accepted", metadata: [
                        "dimse.contexts_accepted": "\(context.contexts.count)/\(rq.presentationContexts.count)",
                        "dimse.peer_max_pdu": "\(context.peerMaximumLength)",
                    ])
                    try await feed(.accept(ac))
                case .reject(let rj, let reason):
                    logger.notice("association rejected", metadata: [
                        "dimse.calling_ae": "\(trimAE(rq.callingAETitle))", "dimse.called_ae": "\(trimAE(rq.calledAETitle))",
                        "reason": "\(reason)",
                    ])
                    try await feed(.reject(rj))
                }
            case .indicatePData(let p):
                guard var r = receiver else { return }
                for pdv in p.values {
                    do {
                        let responses = try await r.receive(pdv)
                        receiver = r
                        if !responses.isEmpty {
                            // All responses at once (a C-FIND's pending answers): written and flushed together.
                            var encoded: [PDVFragmenter.Message] = []
                            encoded.reserveCapacity(responses.count)
                            var last: (command: CommandSet, bytes: ByteBuffer)?
                            for response in responses {
                                // Pending C-FIND responses share one command set: encode it once.
                                let bytes = last.flatMap { $0.command == response.command ? $0.bytes : nil } ?? response.command.encoded()
                                last = (response.command, bytes)
                                encoded.append(.init(contextID: response.contextID, command: bytes, dataSet: response.dataSet))
                            }
                            try await send(fragmenter.packed(encoded))
                            logger.debug("DIMSE responses", metadata: [
                                "dimse.count": "\(responses.count)", "dimse.status": "\(responses.last?.command.status ?? .success)",
                            ])
                        }
                        if let job = r.takeRetrieve() {
                            receiver = r
                            try await runRetrieve(job, association: r.association)
                            if closed { return }
                        }
                        if let job = r.takeCommitment() {
                            receiver = r
                            await runCommitment(job, association: r.association)
                            if closed { return }
                        }
                    } catch {
                        logger.info("DIMSE protocol error: aborting", metadata: ["error": "\(error)"])
                        await r.abort()
                        receiver = r
                        try await feed(.abort(.unexpectedPDUParameter))
                        return
                    }
                }
            case .indicateRelease:
                // One operation at a time: nothing can be outstanding when the release arrives,
                // but a half-received message is dropped.
                if var r = receiver {
                    await r.abort()
                    receiver = r
                }
                logger.info("association released")
                try await feed(.releaseResponse)
            case .indicateAbort(let a):
                logger.info("association aborted", metadata: ["dimse.abort_source": "\(a.source)", "dimse.abort_reason": "\(a.reason)"])
                if var r = receiver {
                    await r.abort()
                    receiver = r
                }
            }
        }

        /// The connection is gone (peer closed, we closed, or an error).
        mutating func connectionClosed() async {
            let actions = machine.withLockedValue { $0.handle(.transportClosed, now: clock.now) }
            for action in actions {
                if case .indicateAbort = action, var r = receiver, !r.isIdle {
                    logger.info("connection closed mid-message: dropping it")
                    await r.abort()
                    receiver = r
                }
            }
            if var r = receiver {
                await r.abort()
                receiver = r
            }
        }
    }
}
