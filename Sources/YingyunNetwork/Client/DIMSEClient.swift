public import NIOCore
import NIOPosix
public import YingyunDICOM

/// A DICOM association requestor (SCU), for `yingyun echo|send` and tests: connects with
/// TCP_NODELAY, sends the A-ASSOCIATE-RQ, runs `body` on the established association, then
/// releases it (or aborts it when `body` throws).
public enum DIMSEClient {
    /// - Parameters:
    ///   - host, port: the peer.
    ///   - request: the A-ASSOCIATE-RQ (our user information is filled in when absent).
    ///   - body: the work on the association.
    /// - Returns: what `body` returns.
    /// - Throws: connection errors; `DIMSEError` (`.associationRejected`, `.associationAborted`...).
    public static func withAssociation<R: Sendable>(
        host: String, port: Int, request: AssociateRequest, connectTimeout: TimeAmount = .seconds(10),
        _ body: (inout DIMSEAssociation) async throws -> R
    ) async throws -> R {
        var request = request
        if request.userInformation.maximumLength == nil { request.userInformation.maximumLength = 1 << 20 }
        if request.userInformation.implementationClassUID == nil {
            request.userInformation.implementationClassUID = Implementation.classUID
            request.userInformation.implementationVersionName = Implementation.versionName
        }
        let ourMaximum = Int(request.userInformation.maximumLength ?? 0)
        let decoder = PDUDecoder(maximumPDataLength: ourMaximum == 0 ? Int(UInt32.max) : ourMaximum)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(connectTimeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PDUFrameDecoder(decoder: decoder)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(PDUFrameEncoder()))
                    return try NIOAsyncChannel<InboundPDU, PDU>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(.associateRQ(request))
            guard let first = try await iterator.next() else {
                throw DIMSEError(.connectionClosed, "connection closed before the association was answered")
            }
            let accept: AssociateAccept
            switch first {
            case .pdu(.associateAC(let ac)): accept = ac
            case .pdu(.associateRJ(let rj)):
                throw DIMSEError(.associationRejected, "association rejected: result \(rj.result.rawValue), source \(rj.source), reason \(rj.reason)")
            case .pdu(.abort(let a)):
                throw DIMSEError(.associationAborted, "association aborted: source \(a.source), reason \(a.reason)")
            case .pdu(let other):
                throw DIMSEError(.unexpectedPDU, "\(other.type) instead of A-ASSOCIATE-AC")
            case .invalid(let e):
                throw DIMSEError(.unexpectedPDU, "invalid answer to A-ASSOCIATE-RQ: \(e)")
            }
            var association = DIMSEAssociation(request: request, accept: accept) { pdus in
                try await outbound.write(contentsOf: pdus)
            } next: {
                try await iterator.next()
            }
            do {
                let result = try await body(&association)
                try await association.release()
                return result
            } catch {
                try? await outbound.write(.abort(.serviceUser))
                throw error
            }
        }
    }
}

/// An established association, requestor side: DIMSE requests one at a time.
public struct DIMSEAssociation {
    public let request: AssociateRequest
    public let accept: AssociateAccept
    let send: ([PDU]) async throws -> Void
    let next: () async throws -> InboundPDU?
    let fragmenter: PDVFragmenter
    private var messageID: UInt16 = 0
    private var released = false

    init(request: AssociateRequest, accept: AssociateAccept, send: @escaping ([PDU]) async throws -> Void, next: @escaping () async throws -> InboundPDU?) {
        self.request = request
        self.accept = accept
        self.send = send
        self.next = next
        self.fragmenter = PDVFragmenter(peerMaximumLength: accept.userInformation.maximumLength ?? 0)
    }

    /// The accepted presentation context for an abstract syntax (and transfer syntax, if given).
    public func contextID(abstractSyntax: String, transferSyntax: String? = nil) -> UInt8? {
        for result in accept.presentationContexts where result.result == .acceptance {
            guard let proposed = request.presentationContexts.first(where: { $0.id == result.id }),
                proposed.abstractSyntax == abstractSyntax
            else { continue }
            if let transferSyntax, result.transferSyntax != transferSyntax { continue }
            return result.id
        }
        return nil
    }

    /// C-ECHO (PS3.7 §9.1.5).
    public mutating func echo() async throws -> DIMSEStatus {
        guard let id = contextID(abstractSyntax: SOPClasses.verification) else {
            throw DIMSEError(.noAcceptedContext, "the peer accepted no Verification presentation context")
        }
        messageID &+= 1
        let command = CommandSet.request(.cEchoRQ, messageID: messageID, affectedSOPClassUID: SOPClasses.verification, hasDataSet: false)
        try await send(fragmenter.pdus(command.encoded(), contextID: id, isCommand: true))
        return try await response().status ?? .processingFailure
    }

    /// C-STORE (PS3.7 §9.1.1): the data set is read from `source` in chunks and sent in PDUs of
    /// the peer's maximum length; never held whole.
    /// - Parameters:
    ///   - range: the data set's bytes in `source` (after the File Meta Information).
    ///   - moveOriginator: for a C-MOVE sub-operation: the originator's AE title and message ID
    ///     ((0000,1030), (0000,1031)).
    /// - Returns: the response command (status, error comment).
    public mutating func store(
        sopClassUID: String, sopInstanceUID: String, contextID: UInt8, source: any ByteSource, range: Range<Int>,
        chunkSize: Int = 1 << 20, moveOriginator: (aeTitle: String, messageID: UInt16)? = nil
    ) async throws -> CommandSet {
        let step = try await sendStoreCommand(
            sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID, contextID: contextID, chunkSize: chunkSize,
            moveOriginator: moveOriginator)
        var offset = range.lowerBound
        repeat {
            let n = min(step, range.upperBound - offset)
            let chunk = try source.bytes(at: offset, count: n)
            offset += n
            try await send(fragmenter.pdus(chunk, contextID: contextID, isCommand: false, final: offset >= range.upperBound))
        } while offset < range.upperBound
        return try await response()
    }

    /// The accepted presentation contexts with what was proposed and agreed for each.
    public var acceptedContexts: [AcceptedPresentationContext] {
        accept.presentationContexts.compactMap { result in
            guard result.result == .acceptance, let proposed = request.presentationContexts.first(where: { $0.id == result.id }) else {
                return nil
            }
            return AcceptedPresentationContext(id: result.id, abstractSyntax: proposed.abstractSyntax, transferSyntax: result.transferSyntax)
        }
    }

    /// A C-MOVE sub-operation (PS3.7 §9.1.1): the data set comes from `payload` chunk by chunk
    /// (stored bytes or re-encoded), each chunk cut into PDUs of the peer's maximum length.
    mutating func store(
        sopClassUID: String, sopInstanceUID: String, contextID: UInt8, payload: inout SubOperationPayload,
        chunkSize: Int = 1 << 20, moveOriginator: (aeTitle: String, messageID: UInt16)?
    ) async throws -> CommandSet {
        let step = try await sendStoreCommand(
            sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID, contextID: contextID, chunkSize: chunkSize,
            moveOriginator: moveOriginator)
        while let (chunk, isLast) = try await payload.next(step: step) {
            try await send(fragmenter.pdus(chunk, contextID: contextID, isCommand: false, final: isLast))
        }
        return try await response()
    }

    /// Sends a C-STORE-RQ command (with the C-MOVE originator, if any) and returns the data set
    /// chunk size to use: a whole number of fragments, so PDUs stay full except the last.
    private mutating func sendStoreCommand(
        sopClassUID: String, sopInstanceUID: String, contextID: UInt8, chunkSize: Int,
        moveOriginator: (aeTitle: String, messageID: UInt16)?
    ) async throws -> Int {
        messageID &+= 1
        var command = CommandSet.request(
            .cStoreRQ, messageID: messageID, affectedSOPClassUID: sopClassUID, affectedSOPInstanceUID: sopInstanceUID,
            priority: 0, hasDataSet: true)
        if let moveOriginator {
            command.setString(CommandSet.Element.moveOriginatorApplicationEntityTitle, moveOriginator.aeTitle, isUID: false)
            command.setUInt16(CommandSet.Element.moveOriginatorMessageID, moveOriginator.messageID)
        }
        try await send(fragmenter.pdus(command.encoded(), contextID: contextID, isCommand: true))
        return max(fragmenter.maximumFragment, (chunkSize / fragmenter.maximumFragment) * fragmenter.maximumFragment)
    }

    /// C-FIND (PS3.4 C.4.1): sends the identifier, collects the pending answers' data sets.
    /// - Returns: the matches and the final status.
    public mutating func find(model: QueryRetrieveModel, identifier: DataSet) async throws -> (matches: [DataSet], status: DIMSEStatus) {
        guard let id = contextID(abstractSyntax: model.rawValue) else {
            throw DIMSEError(.noAcceptedContext, "the peer accepted no \(model) presentation context")
        }
        let syntaxUID = accept.presentationContexts.first { $0.id == id }?.transferSyntax ?? "1.2.840.10008.1.2"
        let syntax = TransferSyntax(uid: syntaxUID)
        messageID &+= 1
        let command = CommandSet.request(.cFindRQ, messageID: messageID, affectedSOPClassUID: model.rawValue, priority: 0, hasDataSet: true)
        try await send(fragmenter.pdus(command.encoded(), contextID: id, isCommand: true))
        try await send(fragmenter.pdus(try DataSetWriter(transferSyntax: syntax).write(identifier), contextID: id, isCommand: false))
        var matches: [DataSet] = []
        while true {
            let (rsp, dataSet) = try await message()
            let status = rsp.status ?? .processingFailure
            if let dataSet {
                matches.append(try DataSetParser.parse(source: BufferByteSource(dataSet), transferSyntax: syntax).dataSet)
            }
            if status.category != .pending { return (matches, status) }
        }
    }

    /// Reads one whole message: its command and, when announced, its data set.
    mutating func message() async throws -> (CommandSet, ByteBuffer?) {
        let command = try await response()
        guard command.hasDataSet else { return (command, nil) }
        var bytes = ByteBuffer()
        while true {
            guard let item = try await next() else {
                throw DIMSEError(.connectionClosed, "connection closed inside a data set")
            }
            guard case .pdu(.pData(let p)) = item else {
                throw DIMSEError(.unexpectedPDU, "\(item) inside a data set")
            }
            for pdv in p.values where !pdv.isCommand {
                var f = pdv.fragment
                bytes.writeBuffer(&f)
                if pdv.isLast { return (command, bytes) }
            }
        }
    }

    /// Reads PDUs until a whole command arrives (data sets in responses are not expected here).
    mutating func response() async throws -> CommandSet {
        var bytes = ByteBuffer()
        while true {
            guard let item = try await next() else {
                throw DIMSEError(.connectionClosed, "connection closed while waiting for a response")
            }
            switch item {
            case .pdu(.pData(let p)):
                for pdv in p.values where pdv.isCommand {
                    var f = pdv.fragment
                    bytes.writeBuffer(&f)
                    if pdv.isLast { return try CommandSet.decode(bytes) }
                }
            case .pdu(.abort(let a)):
                released = true
                throw DIMSEError(.associationAborted, "association aborted by the peer: source \(a.source), reason \(a.reason)")
            case .pdu(let other):
                throw DIMSEError(.unexpectedPDU, "\(other.type) while waiting for a response")
            case .invalid(let e):
                throw DIMSEError(.unexpectedPDU, "invalid PDU from the peer: \(e)")
            }
        }
    }

    /// A-RELEASE (PS3.8 §7.2).
    public mutating func release() async throws {
        guard !released else { return }
        released = true
        try await send([.releaseRQ])
        while let item = try await next() {
            switch item {
            case .pdu(.releaseRP): return
            case .pdu(.abort): return
            default: continue
            }
        }
    }
}
