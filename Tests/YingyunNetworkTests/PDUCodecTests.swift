import NIOCore
import Testing
@testable import YingyunNetwork

@Suite struct PDUCodecTests {
    static let request = AssociateRequest(
        calledAETitle: "YINGYUN", callingAETitle: "CT01",
        presentationContexts: [
            ProposedPresentationContext(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"]),
            ProposedPresentationContext(
                id: 3, abstractSyntax: "1.2.840.10008.5.1.4.1.1.2",
                transferSyntaxes: ["1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]),
        ],
        userInformation: UserInformation(
            maximumLength: 16384, implementationClassUID: "1.2.3.4.5", implementationVersionName: "TEST_1",
            asynchronousOperationsWindow: .init(maximumInvoked: 4, maximumPerformed: 2),
            roleSelections: [.init(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", scuRole: true, scpRole: true)],
            opaqueItems: [.init(type: 0x56, value: [0, 3, 0x31, 0x2E, 0x32, 1, 0]), .init(type: 0x58, value: [1, 0, 0, 2, 0x61, 0x62, 0, 0])]))

    static let decoder = PDUDecoder(maximumPDataLength: 1 << 16)

    func roundTrip(_ pdu: PDU) throws -> PDU? {
        var bytes = PDUEncoder.encode(pdu)
        let decoded = try Self.decoder.decode(from: &bytes)
        #expect(bytes.readableBytes == 0)
        return decoded
    }

    @Test func associateRequestRoundTripsWithEverySubItem() throws {
        #expect(try roundTrip(.associateRQ(Self.request)) == .associateRQ(Self.request))
    }

    @Test func associateAcceptRoundTrips() throws {
        let ac = AssociateAccept(
            calledAETitle: "YINGYUN", callingAETitle: "CT01",
            presentationContexts: [
                .init(id: 1, result: .acceptance, transferSyntax: "1.2.840.10008.1.2"),
                .init(id: 3, result: .transferSyntaxesNotSupported, transferSyntax: "1.2.840.10008.1.2.4.70"),
            ],
            userInformation: UserInformation(maximumLength: 0, implementationClassUID: "1.2.3", asynchronousOperationsWindow: .init(maximumInvoked: 1, maximumPerformed: 1)))
        #expect(try roundTrip(.associateAC(ac)) == .associateAC(ac))
    }

    @Test func fixedPDUsRoundTrip() throws {
        for pdu: PDU in [.associateRJ(.calledAETitleNotRecognized), .releaseRQ, .releaseRP, .abort(.unexpectedPDU)] {
            #expect(try roundTrip(pdu) == pdu)
        }
        #expect(Array(PDUEncoder.encode(.releaseRQ).readableBytesView) == [5, 0, 0, 0, 0, 4, 0, 0, 0, 0])
        #expect(Array(PDUEncoder.encode(.associateRJ(.callingAETitleNotRecognized)).readableBytesView) == [3, 0, 0, 0, 0, 4, 0, 1, 1, 3])
    }

    @Test func pDataRoundTripsWithMessageControlHeaders() throws {
        let p = PDataTF(values: [
            PresentationDataValue(presentationContextID: 1, isCommand: true, isLast: true, fragment: ByteBuffer(bytes: [1, 2, 3, 4])),
            PresentationDataValue(presentationContextID: 3, isCommand: false, isLast: false, fragment: ByteBuffer(bytes: [9, 9])),
        ])
        let bytes = PDUEncoder.encode(.pData(p))
        #expect(Array(bytes.readableBytesView.prefix(12)) == [4, 0, 0, 0, 0, 0x12, 0, 0, 0, 6, 1, 3])
        #expect(try roundTrip(.pData(p)) == .pData(p))
    }

    @Test func incompleteInputNeedsMoreDataAtEveryCut() throws {
        let whole = PDUEncoder.encode(.associateRQ(Self.request))
        for cut in 0..<whole.readableBytes {
            var part = whole.getSlice(at: 0, length: cut)!
            #expect(try Self.decoder.decode(from: &part) == nil)
            #expect(part.readableBytes == cut)
        }
    }

    func expectError(_ bytes: [UInt8], _ code: UpperLayerError.Code, offset: Int? = nil, decoder: PDUDecoder = PDUCodecTests.decoder) {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            _ = try decoder.decode(from: &buffer)
            Issue.record("expected \(code)")
        } catch {
            #expect(error.code == code)
            if let offset { #expect(error.offset == offset) }
        }
    }

    @Test func unknownPDUTypeIsAnErrorAtOffsetZero() {
        expectError([0x09, 0, 0, 0, 0, 4, 0, 0, 0, 0], .unknownPDUType, offset: 0)
        expectError(Array("GET / HTTP/1.1\r\n".utf8), .unknownPDUType, offset: 0)
    }

    @Test func oversizedPDataIsRefusedFromItsHeader() {
        // Only the header is needed to refuse it: nothing is buffered.
        expectError([0x04, 0, 0, 1, 0, 1], .pduTooLarge, offset: 2)
        expectError([0x01, 0, 0x7F, 0xFF, 0xFF, 0xFF], .pduTooLarge, offset: 2)
    }

    @Test func fixedLengthPDUWithAnotherLengthIsRefused() {
        expectError([0x05, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0], .lengthMismatch, offset: 2)
        expectError([0x07, 0, 0, 0, 0, 2, 0, 0], .lengthMismatch, offset: 2)
    }

    @Test func lyingItemLengthInsideAssociateRequestIsRefused() {
        var bytes = Array(PDUEncoder.encode(.associateRQ(Self.request)).readableBytesView)
        // The application context item starts at 74; claim it is longer than the PDU.
        bytes[76] = 0xFF
        bytes[77] = 0xFF
        expectError(bytes, .itemOverrun, offset: 74)
    }

    @Test func lyingPDVLengthIsRefused() {
        var bytes = Array(PDUEncoder.encode(.pData(PDataTF(values: [
            PresentationDataValue(presentationContextID: 1, isCommand: true, isLast: true, fragment: ByteBuffer(bytes: [1, 2, 3, 4]))
        ]))).readableBytesView)
        bytes[9] = 0x40
        expectError(bytes, .itemOverrun, offset: 6)
        bytes[9] = 1
        expectError(bytes, .malformedItem, offset: 6)
    }

    @Test func invalidMessageControlHeaderIsRefused() {
        var bytes = Array(PDUEncoder.encode(.pData(PDataTF(values: [
            PresentationDataValue(presentationContextID: 1, isCommand: true, isLast: true, fragment: ByteBuffer(bytes: [1, 2]))
        ]))).readableBytesView)
        bytes[11] = 0x83
        expectError(bytes, .invalidValue, offset: 11)
    }

    @Test func associateRequestWithoutPresentationContextIsRefused() {
        var rq = Self.request
        rq.presentationContexts = []
        expectError(Array(PDUEncoder.encode(.associateRQ(rq)).readableBytesView), .missingItem)
    }

    @Test func presentationContextWithoutTransferSyntaxIsRefused() {
        var rq = Self.request
        rq.presentationContexts = [ProposedPresentationContext(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: [])]
        expectError(Array(PDUEncoder.encode(.associateRQ(rq)).readableBytesView), .missingItem)
    }

    @Test func truncatedAssociateHeaderIsRefused() {
        expectError([0x01, 0, 0, 0, 0, 10] + [UInt8](repeating: 0, count: 10), .lengthMismatch, offset: 6)
    }

    @Test func badMaximumLengthSubItemIsRefused() {
        var rq = Self.request
        rq.userInformation = UserInformation(opaqueItems: [.init(type: 0x51, value: [0, 1])])
        expectError(Array(PDUEncoder.encode(.associateRQ(rq)).readableBytesView), .lengthMismatch)
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var rng = SystemRandomNumberGenerator()
        let valid = Array(PDUEncoder.encode(.associateRQ(Self.request)).readableBytesView)
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            var buffer = ByteBuffer(bytes: bytes)
            _ = try? Self.decoder.decode(from: &buffer)
        }
    }
}
