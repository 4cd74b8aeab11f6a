import NIOCore
import Testing
@testable import YingyunNetwork

/// Responses cut into P-DATA-TF PDUs: a command or a data set per PDU at most, within the peer's
/// limit, every byte once and in order, "last" bits where a command or data set ends.
@Suite struct PDVPackingTests {
    func bytes(_ n: Int, _ seed: UInt8) -> ByteBuffer { ByteBuffer(bytes: (0..<n).map { UInt8(truncatingIfNeeded: $0) &+ seed }) }

    @Test(arguments: [64, 200, 1000, 16384])
    func cutsCommandsAndDataSetsIntoTheirOwnPDUs(limit: UInt32) {
        let f = PDVFragmenter(peerMaximumLength: limit)
        let messages: [PDVFragmenter.Message] = [
            .init(contextID: 1, command: bytes(90, 1), dataSet: bytes(400, 2)),
            .init(contextID: 1, command: bytes(90, 3), dataSet: nil),
            .init(contextID: 3, command: bytes(90, 4), dataSet: bytes(5000, 5)),
        ]
        let pdus = f.packed(messages)
        var commands: [[UInt8]] = [[], [], []], dataSets: [[UInt8]] = [[], [], []]
        var message = 0
        for pdu in pdus {
            #expect(pdu.values.reduce(0) { $0 + 6 + $1.fragment.readableBytes } <= Int(limit))
            for v in pdu.values {
                if v.isCommand { commands[message] += v.fragment.readableBytesView } else { dataSets[message] += v.fragment.readableBytesView }
                if v.isLast {
                    // A command or data set ended: nothing else in this PDU.
                    #expect(v == pdu.values.last)
                    if !v.isCommand || messages[message].dataSet == nil { message += 1 }
                }
            }
        }
        #expect(message == 3)
        for (i, m) in messages.enumerated() {
            #expect(commands[i] == Array(m.command.readableBytesView))
            #expect(dataSets[i] == (m.dataSet.map { Array($0.readableBytesView) } ?? []))
        }
        if limit >= 1000 { #expect(pdus.count == 4 + (5000 + Int(limit) - 7) / (Int(limit) - 6)) }
    }

    @Test func trimsPaddingOnBytesNotCharacters() {
        #expect(trimAE("  STORESCU  ") == "STORESCU")
        #expect(trimAE("张 伟\0") == "张 伟")
        #expect(trimAE("    ") == "")
        #expect(trimUID("1.2.840.10008.1.2\0") == "1.2.840.10008.1.2")
        #expect(trimUID("1.2.3") == "1.2.3")
    }
}
