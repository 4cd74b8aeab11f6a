import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import YingyunNetwork

@Suite struct FrameDecoderTests {
    @Test func decodesPDUsWhateverTheSplit() throws {
        let pdus: [PDU] = [
            .associateRQ(PDUCodecTests.request), .releaseRQ,
            .pData(PDataTF(values: [PresentationDataValue(presentationContextID: 1, isCommand: false, isLast: true, fragment: ByteBuffer(repeating: 7, count: 300))])),
            .abort(.serviceUser),
        ]
        var stream = ByteBuffer()
        for p in pdus { PDUEncoder.encode(p, into: &stream) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(stream, pdus.map { InboundPDU.pdu($0) })],
            decoderFactory: { PDUFrameDecoder(decoder: PDUDecoder(maximumPDataLength: 4096)) })
    }

    @Test func emitsOneErrorThenDropsTheRest() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PDUFrameDecoder(decoder: PDUDecoder(maximumPDataLength: 4096))))
        var bytes = PDUEncoder.encode(.releaseRQ)
        bytes.writeBytes([0x42, 0, 0, 0, 0, 0])
        PDUEncoder.encode(.releaseRP, into: &bytes)
        try channel.writeInbound(bytes)
        #expect(try channel.readInbound(as: InboundPDU.self) == .pdu(.releaseRQ))
        guard case .invalid(let e) = try channel.readInbound(as: InboundPDU.self) else {
            Issue.record("expected an error")
            return
        }
        #expect(e.code == .unknownPDUType)
        #expect(try channel.readInbound(as: InboundPDU.self) == nil)
        _ = try channel.finish()
    }
}
