public import Logging
import YingyunDICOM
public import NIOCore

/// The DIMSE message layer of one association (PS3.7 §9, PS3.8 Annex E): reassembles command
/// fragments, streams data set fragments to a store sink as they arrive, and produces the
/// responses. One message at a time (asynchronous operations window 1/1).
public struct DIMSEMessageReceiver: Sendable {
    public let association: AssociationContext
    let handler: any StoreHandler
    let queryHandler: (any QueryHandler)?
    let retrieveHandler: (any RetrieveHandler)?
    var commitmentHandler: (any CommitmentHandler)?
    let logger: Logger
    /// Commands are a few hundred bytes; anything this large is not a command.
    static let maximumCommandLength = 64 * 1024

    private var commandBytes: ByteBuffer?
    private var commandContextID: UInt8 = 0
    private var inFlight: InFlight?

    /// A request whose data set is arriving.
    struct InFlight: Sendable {
        var command: CommandSet
        var contextID: UInt8
        var sink: (any StoreSink)?
        /// The failure to answer once the data set has been read (sink refused or failed).
        var failure: StoreOutcome?
        var bytes = 0
        /// A C-FIND identifier being collected (small: held in memory, bounded).
        var identifier: ByteBuffer?
        var model: QueryRetrieveModel?
        var transferSyntax: String = ""
        /// Set for a C-GET/C-MOVE identifier being collected.
        var retrieveModel: RetrieveModel?
        /// Set for an N-ACTION (storage commitment) information being collected.
        var isCommitment = false
    }

    /// A storage commitment request answered with N-ACTION-RSP: the association checks the
    /// references and sends the N-EVENT-REPORT (PS3.4 J.3.3).
    public struct CommitmentJob: Sendable {
        public var contextID: UInt8
        public var transactionUID: String
        public var references: [SOPReference]
    }

    public private(set) var pendingCommitment: CommitmentJob?

    public mutating func takeCommitment() -> CommitmentJob? {
        defer { pendingCommitment = nil }
        return pendingCommitment
    }

    /// A C-GET or C-MOVE whose identifier has arrived and whose instances are known: the
    /// association runs its sub-operations (they need the connection, which the receiver does
    /// not own), then sends the final response.
    public struct RetrieveJob: Sendable {
        public var command: CommandSet
        public var contextID: UInt8
        public var request: RetrieveRequest
        public var instances: [RetrievableInstance]
    }

    /// The retrieve to run now, if the last PDV completed one; `takeRetrieve()` hands it over.
    public private(set) var pendingRetrieve: RetrieveJob?

    public mutating func takeRetrieve() -> RetrieveJob? {
        defer { pendingRetrieve = nil }
        return pendingRetrieve
    }

    /// Largest C-FIND identifier accepted.
    static let maximumIdentifierLength = 1 << 20

    public init(
        association: AssociationContext, handler: any StoreHandler, queryHandler: (any QueryHandler)? = nil,
        retrieveHandler: (any RetrieveHandler)? = nil, logger: Logger
    ) {
        self.association = association
        self.handler = handler
        self.queryHandler = queryHandler
        self.retrieveHandler = retrieveHandler
        self.logger = logger
    }

    /// One response to send: a command set on a presentation context, maybe with a data set.
    public struct Response: Sendable {
        public var contextID: UInt8
        public var command: CommandSet
        public var dataSet: ByteBuffer?

        public init(contextID: UInt8, command: CommandSet, dataSet: ByteBuffer? = nil) {
            self.contextID = contextID
            self.command = command
            self.dataSet = dataSet
        }
    }

    /// Handles one PDV.
    /// - Returns: the responses to send now (at most one).
    /// - Throws: `DIMSEError` for a protocol violation; the association must then be aborted
    ///   (call `abort()`).
    public mutating func receive(_ pdv: PresentationDataValue) async throws(DIMSEError) -> [Response] {
        guard let context = association.contexts[pdv.presentationContextID] else {
            throw DIMSEError(.unknownPresentationContext, "PDV on presentation context \(pdv.presentationContextID), which was not accepted")
        }
        if pdv.isCommand {
            guard inFlight == nil else {
                throw DIMSEError(.unexpectedFragment, "command fragment while a data set is arriving")
            }
            if commandBytes == nil {
                commandBytes = ByteBuffer()
                commandContextID = pdv.presentationContextID
            }
            guard commandContextID == pdv.presentationContextID else {
                throw DIMSEError(.unexpectedFragment, "command fragments on two presentation contexts")
            }
            var fragment = pdv.fragment
            guard commandBytes!.readableBytes + fragment.readableBytes <= Self.maximumCommandLength else {
                throw DIMSEError(.commandTooLarge, "command set longer than \(Self.maximumCommandLength) bytes")
            }
            commandBytes!.writeBuffer(&fragment)
            guard pdv.isLast else { return [] }
            let bytes = commandBytes!
            commandBytes = nil
            let command = try CommandSet.decode(bytes)
            return await dispatch(command, context: context)
        }
        guard var current = inFlight, current.contextID == pdv.presentationContextID else {
            throw DIMSEError(.unexpectedFragment, "data set fragment without a command that announced one")
        }
        current.bytes += pdv.fragment.readableBytes
        if current.identifier != nil {
            guard current.bytes <= Self.maximumIdentifierLength else {
                throw DIMSEError(.commandTooLarge, "C-FIND identifier longer than \(Self.maximumIdentifierLength) bytes")
            }
            var f = pdv.fragment
            current.identifier!.writeBuffer(&f)
            inFlight = current
            guard pdv.isLast else { return [] }
            inFlight = nil
            if current.retrieveModel != nil { return await completeRetrieve(current) }
            if current.isCommitment { return completeCommitment(current) }
            return await completeFind(current)
        }
        if let sink = current.sink, current.failure == nil {
            do {
                try await sink.write(pdv.fragment)
            } catch {
                current.failure = (error as? StoreRefusal)?.outcome
                    ?? StoreOutcome(status: .outOfResources, comment: "could not receive the data set")
                current.sink = nil
                await sink.abort()
                logger.info("C-STORE data set refused while arriving", metadata: ["error": "\(error)"])
            }
        }
        inFlight = current
        guard pdv.isLast else { return [] }
        inFlight = nil
        return [await complete(current)]
    }

    /// The association ended before the message did: drop what was received.
    public mutating func abort() async {
        if let sink = inFlight?.sink { await sink.abort() }
        inFlight = nil
        commandBytes = nil
    }

    /// True while a message is half received.
    public var isIdle: Bool { inFlight == nil && commandBytes == nil }

    private mutating func dispatch(_ command: CommandSet, context: AcceptedPresentationContext) async -> [Response] {
        let field = command.commandField ?? CommandField(rawValue: 0)
        switch field {
        case .cEchoRQ:
            return [Response(contextID: context.id, command: .response(to: command, status: .success))]
        case .cStoreRQ:
            return await beginStore(command, context: context)
        case .cFindRQ:
            return beginFind(command, context: context)
        case .cGetRQ, .cMoveRQ:
            return beginRetrieve(command, context: context)
        case .nActionRQ:
            return beginCommitment(command, context: context)
        case .cCancelRQ:
            // One operation at a time: by the time a cancel is read, the find has been answered.
            return []
        default:
            if field.isResponse {
                logger.info("unexpected DIMSE response ignored", metadata: ["dimse.command": "\(field)"])
                return []
            }
            let response = CommandSet.response(to: command, status: .unrecognizedOperation, errorComment: "\(field) is not supported here")
            if command.hasDataSet {
                inFlight = InFlight(command: command, contextID: context.id, sink: nil, failure: StoreOutcome(status: .unrecognizedOperation, comment: "\(field) is not supported here"))
                return []
            }
            return [Response(contextID: context.id, command: response)]
        }
    }

    private mutating func beginStore(_ command: CommandSet, context: AcceptedPresentationContext) async -> [Response] {
        func refuse(_ status: DIMSEStatus, _ comment: String) -> [Response] {
            if command.hasDataSet {
                inFlight = InFlight(command: command, contextID: context.id, sink: nil, failure: StoreOutcome(status: status, comment: comment))
                return []
            }
            return [Response(contextID: context.id, command: .response(to: command, status: status, errorComment: comment))]
        }
        guard command.hasDataSet else { return refuse(.cannotUnderstand, "C-STORE-RQ without a data set") }
        guard let sopClass = command.affectedSOPClassUID, let sopInstance = command.affectedSOPInstanceUID,
            !sopClass.isEmpty, !sopInstance.isEmpty
        else {
            return refuse(.cannotUnderstand, "C-STORE-RQ without Affected SOP Class/Instance UID")
        }
        guard sopClass == context.abstractSyntax else {
            return refuse(.sopClassNotSupported, "SOP class differs from the presentation context's")
        }
        let request = StoreRequest(
            callingAETitle: association.callingAETitle, calledAETitle: association.calledAETitle,
            peerAddress: association.peerAddress, entity: association.entity, sopClassUID: sopClass,
            sopInstanceUID: sopInstance, transferSyntaxUID: context.transferSyntax, messageID: command.messageID ?? 0,
            moveOriginatorAETitle: command.moveOriginatorApplicationEntityTitle)
        do {
            let sink = try await handler.openStore(request)
            inFlight = InFlight(command: command, contextID: context.id, sink: sink, failure: nil)
            return []
        } catch let refusal as StoreRefusal {
            return refuse(refusal.outcome.status, refusal.outcome.comment ?? "refused")
        } catch {
            logger.warning("store sink could not be opened", metadata: ["error": "\(error)"])
            return refuse(.outOfResources, "cannot store now")
        }
    }

    private mutating func beginFind(_ command: CommandSet, context: AcceptedPresentationContext) -> [Response] {
        guard command.hasDataSet, let model = QueryRetrieveModel(rawValue: context.abstractSyntax), queryHandler != nil else {
            let response = CommandSet.response(to: command, status: .cannotUnderstand, errorComment: "C-FIND-RQ without an identifier")
            if command.hasDataSet {
                inFlight = InFlight(command: command, contextID: context.id, sink: nil, failure: StoreOutcome(status: .sopClassNotSupported, comment: "C-FIND not served"))
                return []
            }
            return [Response(contextID: context.id, command: response)]
        }
        var f = InFlight(command: command, contextID: context.id, sink: nil, failure: nil)
        f.identifier = ByteBuffer()
        f.model = model
        f.transferSyntax = context.transferSyntax
        if command.affectedSOPClassUID != context.abstractSyntax {
            f.failure = StoreOutcome(status: .sopClassNotSupported, comment: "SOP class differs from the presentation context's")
        }
        inFlight = f
        return []
    }

    private mutating func beginRetrieve(_ command: CommandSet, context: AcceptedPresentationContext) -> [Response] {
        let field = command.commandField ?? .cGetRQ
        let model = RetrieveModel(rawValue: context.abstractSyntax)
        let fits = model.map { $0.isGet == (field == .cGetRQ) } ?? false
        guard command.hasDataSet, fits, retrieveHandler != nil else {
            let failure = StoreOutcome(status: command.hasDataSet ? .sopClassNotSupported : .cannotUnderstand,
                comment: command.hasDataSet ? "\(field) not served on this presentation context" : "\(field) without an identifier")
            if command.hasDataSet {
                var f = InFlight(command: command, contextID: context.id, sink: nil, failure: failure)
                f.identifier = ByteBuffer()
                f.retrieveModel = model ?? .studyRootGet
                inFlight = f
                return []
            }
            return [Response(contextID: context.id, command: .retrieveResponse(
                to: command, status: failure.status, counts: SubOperationCounts(remaining: 0), errorComment: failure.comment))]
        }
        var f = InFlight(command: command, contextID: context.id, sink: nil, failure: nil)
        f.identifier = ByteBuffer()
        f.retrieveModel = model
        f.transferSyntax = context.transferSyntax
        if command.affectedSOPClassUID != context.abstractSyntax {
            f.failure = StoreOutcome(status: .sopClassNotSupported, comment: "SOP class differs from the presentation context's")
        }
        inFlight = f
        return []
    }

    /// Parses a C-GET/C-MOVE identifier and asks the retrieve handler for the instances; the
    /// job is left in `pendingRetrieve`. Failures are answered here, with zero counts.
    private mutating func completeRetrieve(_ current: InFlight) async -> [Response] {
        func final(_ status: DIMSEStatus, _ comment: String? = nil) -> [Response] {
            [Response(contextID: current.contextID, command: .retrieveResponse(
                to: current.command, status: status, counts: SubOperationCounts(remaining: 0), errorComment: comment))]
        }
        if let failure = current.failure { return final(failure.status, failure.comment) }
        guard let retrieveHandler, let model = current.retrieveModel, let bytes = current.identifier else { return final(.processingFailure) }
        let identifier: DataSet
        do {
            identifier = try DataSetParser.parse(source: BufferByteSource(bytes), transferSyntax: TransferSyntax(uid: current.transferSyntax)).dataSet
        } catch {
            logger.info("retrieve identifier unreadable", metadata: ["error": "\(error)"])
            return final(.cannotUnderstand, "identifier cannot be parsed")
        }
        let request = RetrieveRequest(
            callingAETitle: association.callingAETitle, peerAddress: association.peerAddress, entity: association.entity,
            model: model, identifier: identifier, messageID: current.command.messageID ?? 0)
        do {
            let instances = try await retrieveHandler.instances(for: request)
            pendingRetrieve = RetrieveJob(command: current.command, contextID: current.contextID, request: request, instances: instances)
            return []
        } catch let r as StoreRefusal {
            return final(r.outcome.status, r.outcome.comment)
        } catch {
            logger.warning("retrieve failed", metadata: ["error": "\(error)"])
            return final(.cannotUnderstand, "unable to process")
        }
    }

    private mutating func beginCommitment(_ command: CommandSet, context: AcceptedPresentationContext) -> [Response] {
        var failure: StoreOutcome?
        if commitmentHandler == nil || context.abstractSyntax != StorageCommitment.sopClassUID
            || command.requestedSOPClassUID != StorageCommitment.sopClassUID {
            failure = StoreOutcome(status: .noSuchSOPClass, comment: "N-ACTION is served for storage commitment only")
        } else if command.requestedSOPInstanceUID != StorageCommitment.sopInstanceUID {
            failure = StoreOutcome(status: DIMSEStatus(rawValue: 0x0112), comment: "not the well-known storage commitment instance")
        } else if command.uint16(CommandSet.Element.actionTypeID) != 1 {
            failure = StoreOutcome(status: DIMSEStatus(rawValue: 0x0123), comment: "Action Type ID must be 1")
        } else if !command.hasDataSet {
            failure = StoreOutcome(status: DIMSEStatus(rawValue: 0x0120), comment: "N-ACTION without action information")
        }
        guard command.hasDataSet else {
            return [Response(contextID: context.id, command: .nActionResponse(to: command, status: failure!.status, errorComment: failure!.comment))]
        }
        var f = InFlight(command: command, contextID: context.id, sink: nil, failure: failure)
        f.identifier = ByteBuffer()
        f.isCommitment = true
        f.transferSyntax = context.transferSyntax
        inFlight = f
        return []
    }

    /// Parses the action information, answers N-ACTION-RSP and leaves the job in `pendingCommitment`.
    private mutating func completeCommitment(_ current: InFlight) -> [Response] {
        func rsp(_ status: DIMSEStatus, _ comment: String? = nil) -> [Response] {
            [Response(contextID: current.contextID, command: .nActionResponse(to: current.command, status: status, errorComment: comment))]
        }
        if let failure = current.failure { return rsp(failure.status, failure.comment) }
        do {
            let ds = try DataSetParser.parse(source: BufferByteSource(current.identifier ?? ByteBuffer()), transferSyntax: TransferSyntax(uid: current.transferSyntax)).dataSet
            let (transaction, references) = try StorageCommitmentResult.parseRequest(ds)
            pendingCommitment = CommitmentJob(contextID: current.contextID, transactionUID: transaction, references: references)
            return rsp(.success)
        } catch let r as StoreRefusal {
            return rsp(r.outcome.status, r.outcome.comment)
        } catch {
            return rsp(.processingFailure, "action information cannot be parsed")
        }
    }

    /// Parses the identifier, asks the query handler, answers one pending response per match
    /// (with its data set) and a final success (PS3.4 C.4.1.2).
    private func completeFind(_ current: InFlight) async -> [Response] {
        func final(_ status: DIMSEStatus, _ comment: String? = nil) -> Response {
            Response(contextID: current.contextID, command: .response(to: current.command, status: status, errorComment: comment))
        }
        if let failure = current.failure { return [final(failure.status, failure.comment)] }
        guard let queryHandler, let model = current.model, let bytes = current.identifier else { return [final(.processingFailure)] }
        let syntax = TransferSyntax(uid: current.transferSyntax)
        let identifier: DataSet
        do {
            identifier = try DataSetParser.parse(source: BufferByteSource(bytes), transferSyntax: syntax).dataSet
        } catch {
            logger.info("C-FIND identifier unreadable", metadata: ["error": "\(error)"])
            return [final(.cannotUnderstand, "identifier cannot be parsed")]
        }
        let request = FindRequest(
            callingAETitle: association.callingAETitle, peerAddress: association.peerAddress, entity: association.entity,
            model: model, identifier: identifier, messageID: current.command.messageID ?? 0)
        let matches: [DataSet]
        do {
            matches = try await queryHandler.find(request)
        } catch let r as StoreRefusal {
            return [final(r.outcome.status, r.outcome.comment)]
        } catch {
            logger.warning("C-FIND failed", metadata: ["error": "\(error)"])
            return [final(.cannotUnderstand, "unable to process")]
        }
        var responses: [Response] = []
        responses.reserveCapacity(matches.count + 1)
        do {
            let writer = try DataSetWriter(transferSyntax: syntax)
            let pending = CommandSet.response(to: current.command, status: .pending, hasDataSet: true)
            for match in matches {
                responses.append(Response(contextID: current.contextID, command: pending, dataSet: try writer.write(match)))
            }
        } catch {
            logger.warning("C-FIND match not encodable", metadata: ["error": "\(error)"])
            return [final(.cannotUnderstand, "unable to encode a match")]
        }
        responses.append(final(.success))
        return responses
    }

    private func complete(_ current: InFlight) async -> Response {
        let outcome: StoreOutcome
        if let failure = current.failure {
            outcome = failure
        } else if let sink = current.sink {
            outcome = await sink.finish()
        } else {
            outcome = StoreOutcome(status: .processingFailure, comment: "no sink")
        }
        return Response(contextID: current.contextID, command: .response(to: current.command, status: outcome.status, errorComment: outcome.comment))
    }
}
