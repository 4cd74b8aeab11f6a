import NIOCore
import Testing

@testable import YingyunDICOM

/// Found by tools/fuzz (writer round-trip invariant): a defined-length UN whose tag the dictionary
/// knows as SQ, but whose bytes are not an implicit VR LE sequence (here a big-endian item). The
/// parser used to fail on the re-written file; now such a UN is kept as UN bytes with a warning.
@Suite struct FuzzUNSequenceTests {
    @Test func unThatIsNotASequenceStaysUN() throws {
        var b = ByteBuilder()
        // (0020,9111) FrameContentSequence as UN holding a big-endian item header.
        b.explicit(Tag(0x0020, 0x9111), .UN, [0xFF, 0xFE, 0xE0, 0x00, 0, 0, 0, 8, 0, 0x20, 0x91, 0x57, 0, 0, 0, 0])
        b.explicit(.patientID, .LO, "P")
        let file = try parse(ByteBuilder.part10(transferSyntax: "1.2.840.10008.1.2.1", dataSet: b.bytes))
        let e = try #require(file.dataSet[Tag(0x0020, 0x9111)])
        #expect(e.vr == .UN)
        #expect(e.bytes?.readableBytes == 16)
        #expect(file.warnings.contains { $0.issue == .vrMismatch && $0.tag == Tag(0x0020, 0x9111) })
        #expect(file.dataSet[.patientID] != nil)

        let written = try DataSetWriter(transferSyntax: .explicitVRLittleEndian).write(file.dataSet)
        let reparsed = try DataSetParser.parse(source: BufferByteSource(written), transferSyntax: .explicitVRLittleEndian)
        #expect(reparsed.dataSet.count == file.dataSet.count)
    }

    @Test func unThatIsASequenceBecomesSQ() throws {
        var inner = ByteBuilder()
        inner.item(length: 10)
        inner.implicit(Tag(0x0020, 0x9157), [1, 0])
        var b = ByteBuilder()
        b.explicit(Tag(0x0020, 0x9111), .UN, inner.bytes)
        let file = try parse(ByteBuilder.part10(transferSyntax: "1.2.840.10008.1.2.1", dataSet: b.bytes))
        let e = try #require(file.dataSet[Tag(0x0020, 0x9111)])
        #expect(e.vr == .SQ)
        #expect(e.items?.first?[Tag(0x0020, 0x9157)]?.vr == .UL)
    }
}
