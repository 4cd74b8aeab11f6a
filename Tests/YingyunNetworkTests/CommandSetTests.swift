import Logging
import NIOCore
import Testing
@testable import YingyunNetwork

@Suite struct CommandSetTests {
    @Test func storeRequestRoundTripsInImplicitVRLittleEndian() throws {
        let rq = CommandSet.request(.cStoreRQ, messageID: 7, affectedSOPClassUID: "1.2.840.10008.5.1.4.1.1.2", affectedSOPInstanceUID: "1.2.3.45", priority: 0, hasDataSet: true)
        let bytes = rq.encoded()
        // (0000,0000) UL 4, value = length of the rest.
        #expect(Array(bytes.readableBytesView.prefix(8)) == [0, 0, 0, 0, 4, 0, 0, 0])
        #expect(Int(bytes.getInteger(at: 8, endianness: .little, as: UInt32.self)!) == bytes.readableBytes - 12)
        let back = try CommandSet.decode(bytes)
        #expect(back.commandField == .cStoreRQ)
        #expect(back.messageID == 7)
        #expect(back.affectedSOPClassUID == "1.2.840.10008.5.1.4.1.1.2")
        #expect(back.affectedSOPInstanceUID == "1.2.3.45")  // odd length: NUL padded, trimmed back
        #expect(back.hasDataSet)
        let rsp = CommandSet.response(to: back, status: .outOfResources, errorComment: "disk full")
        let rspBack = try CommandSet.decode(rsp.encoded())
        #expect(rspBack.commandField == .cStoreRSP)
        #expect(rspBack.messageIDBeingRespondedTo == 7)
        #expect(rspBack.status == .outOfResources)
        #expect(rspBack.errorComment == "disk full")
        #expect(!rspBack.hasDataSet)
    }

    @Test func malformedCommandsAreTypedErrors() {
        #expect(throws: DIMSEError.self) { try CommandSet.decode(ByteBuffer(bytes: [0, 0, 0, 1, 4, 0])) }
        #expect(throws: DIMSEError.self) { try CommandSet.decode(ByteBuffer(bytes: [8, 0, 0x10, 0, 2, 0, 0, 0, 1, 1])) }
        #expect(throws: DIMSEError.self) { try CommandSet.decode(ByteBuffer(bytes: [0, 0, 0, 1, 0xFF, 0, 0, 0, 1, 1])) }
        // No command field.
        var c = CommandSet()
        c.setUInt16(CommandSet.Element.messageID, 1)
        #expect(throws: DIMSEError.self) { try CommandSet.decode(c.encoded()) }
    }

    @Test func fragmenterRespectsThePeersMaximumLength() {
        let f = PDVFragmenter(peerMaximumLength: 100)
        let pdus = f.pdus(ByteBuffer(repeating: 1, count: 1000), contextID: 3, isCommand: false)
        #expect(pdus.count == 11)
        for (i, pdu) in pdus.enumerated() {
            #expect(PDUEncoder.encode(pdu).readableBytes - 6 <= 100)
            guard case .pData(let p) = pdu else { Issue.record("not P-DATA"); continue }
            #expect(p.values[0].isLast == (i == pdus.count - 1))
            #expect(!p.values[0].isCommand)
        }
        #expect(PDVFragmenter(peerMaximumLength: 0).maximumFragment == (1 << 20) - 6)
    }

    func association() -> AssociationContext {
        AssociationContext(
            callingAETitle: "CT01", calledAETitle: "YINGYUN", peerAddress: "127.0.0.1", entity: nil,
            contexts: [1: .init(id: 1, abstractSyntax: SOPClasses.verification, transferSyntax: "1.2.840.10008.1.2"),
                       3: .init(id: 3, abstractSyntax: "1.2.840.10008.5.1.4.1.1.2", transferSyntax: "1.2.840.10008.1.2.1")],
            peerMaximumLength: 0)
    }

    func pdvs(_ command: CommandSet, _ dataSet: ByteBuffer?, context: UInt8, max: UInt32) -> [PresentationDataValue] {
        let f = PDVFragmenter(peerMaximumLength: max)
        var out: [PresentationDataValue] = []
        for pdu in f.pdus(command.encoded(), contextID: context, isCommand: true) { if case .pData(let p) = pdu { out += p.values } }
        if let dataSet {
            for pdu in f.pdus(dataSet, contextID: context, isCommand: false) { if case .pData(let p) = pdu { out += p.values } }
        }
        return out
    }

    @Test func receiverStreamsTheDataSetFragmentByFragmentAndAnswersAfterFinish() async throws {
        let handler = InMemoryStoreHandler()
        var r = DIMSEMessageReceiver(association: association(), handler: handler, logger: Logger(label: "test"))
        let data = ByteBuffer(bytes: (0..<5000).map { UInt8(truncatingIfNeeded: $0) })
        let rq = CommandSet.request(.cStoreRQ, messageID: 3, affectedSOPClassUID: "1.2.840.10008.5.1.4.1.1.2", affectedSOPInstanceUID: "1.2.3", hasDataSet: true)
        var responses: [DIMSEMessageReceiver.Response] = []
        for pdv in pdvs(rq, data, context: 3, max: 64) { responses += try await r.receive(pdv) }
        #expect(responses.count == 1)
        #expect(responses[0].command.status == .success)
        #expect(responses[0].command.messageIDBeingRespondedTo == 3)
        #expect(handler.stored.count == 1)
        #expect(handler.stored[0].dataSet == data)
        #expect(handler.stored[0].fragments > 50)
        #expect(handler.stored[0].request.transferSyntaxUID == "1.2.840.10008.1.2.1")
        #expect(handler.stored[0].request.callingAETitle == "CT01")
    }

    @Test func refusedStoreIsAnsweredAfterTheDataSetWithTheRefusal() async throws {
        let handler = InMemoryStoreHandler(refuse: { _ in StoreRefusal(.outOfResources, "full") })
        var r = DIMSEMessageReceiver(association: association(), handler: handler, logger: Logger(label: "test"))
        let rq = CommandSet.request(.cStoreRQ, messageID: 4, affectedSOPClassUID: "1.2.840.10008.5.1.4.1.1.2", affectedSOPInstanceUID: "1.2.3", hasDataSet: true)
        var responses: [DIMSEMessageReceiver.Response] = []
        for pdv in pdvs(rq, ByteBuffer(repeating: 0, count: 300), context: 3, max: 100) { responses += try await r.receive(pdv) }
        #expect(responses.map { $0.command.status } == [.outOfResources])
        #expect(handler.stored.isEmpty)
    }

    @Test func sopClassOtherThanTheContextsIsNotSupported() async throws {
        let handler = InMemoryStoreHandler()
        var r = DIMSEMessageReceiver(association: association(), handler: handler, logger: Logger(label: "test"))
        let rq = CommandSet.request(.cStoreRQ, messageID: 5, affectedSOPClassUID: "1.2.840.10008.5.1.4.1.1.4", affectedSOPInstanceUID: "1.2.3", hasDataSet: true)
        var responses: [DIMSEMessageReceiver.Response] = []
        for pdv in pdvs(rq, ByteBuffer(repeating: 0, count: 10), context: 3, max: 1000) { responses += try await r.receive(pdv) }
        #expect(responses.map { $0.command.status } == [.sopClassNotSupported])
        #expect(handler.openedCount == 0)
    }

    @Test func echoIsAnsweredAndUnknownContextIsAnError() async throws {
        var r = DIMSEMessageReceiver(association: association(), handler: InMemoryStoreHandler(), logger: Logger(label: "test"))
        let rq = CommandSet.request(.cEchoRQ, messageID: 9, affectedSOPClassUID: SOPClasses.verification, hasDataSet: false)
        var responses: [DIMSEMessageReceiver.Response] = []
        for pdv in pdvs(rq, nil, context: 1, max: 0) { responses += try await r.receive(pdv) }
        #expect(responses.map { $0.command.commandField } == [.cEchoRSP])
        await #expect(throws: DIMSEError.self) {
            _ = try await r.receive(PresentationDataValue(presentationContextID: 9, isCommand: true, isLast: true, fragment: rq.encoded()))
        }
        // A data set fragment with no command before it.
        await #expect(throws: DIMSEError.self) {
            _ = try await r.receive(PresentationDataValue(presentationContextID: 3, isCommand: false, isLast: true, fragment: ByteBuffer(bytes: [1, 2])))
        }
    }

    @Test func abortMidDataSetAbortsTheSink() async throws {
        let handler = InMemoryStoreHandler()
        var r = DIMSEMessageReceiver(association: association(), handler: handler, logger: Logger(label: "test"))
        let rq = CommandSet.request(.cStoreRQ, messageID: 3, affectedSOPClassUID: "1.2.840.10008.5.1.4.1.1.2", affectedSOPInstanceUID: "1.2.3", hasDataSet: true)
        let all = pdvs(rq, ByteBuffer(repeating: 1, count: 1000), context: 3, max: 100)
        for pdv in all.prefix(4) { _ = try await r.receive(pdv) }
        await r.abort()
        #expect(handler.abortedCount == 1)
        #expect(handler.stored.isEmpty)
    }
}
