import NIOCore
import Testing

@testable import YingyunDICOM

@Suite struct DataSetParserTests {
    static let explicitLE = "1.2.840.10008.1.2.1"
    static let implicitLE = "1.2.840.10008.1.2"
    static let explicitBE = "1.2.840.10008.1.2.2"

    @Test func readsExplicitLittleEndianPart10() throws {
        var b = ByteBuilder()
        b.explicit(.patientName, .PN, "Zhang^Wei")
        b.explicit(Tag(0x0028, 0x0010), .US, ByteBuilder.le16(512))
        let file = try parse(ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes))
        #expect(file.hasPreamble)
        #expect(file.transferSyntax == .explicitVRLittleEndian)
        #expect(file.fileMetaInformation.count == 3)
        #expect(file.dataSet[.patientName]?.stringValue(characterSet: .default) == "Zhang^Wei")
        #expect(file.dataSet[Tag(0x0028, 0x0010)]?.uint16Values == [512])
        #expect(file.warnings.isEmpty)
    }

    @Test func readsImplicitVRWithDictionaryVRs() throws {
        var b = ByteBuilder()
        b.implicit(Tag(0x0008, 0x0060), "CT")
        b.implicit(Tag(0x0028, 0x0010), ByteBuilder.le16(256))
        let file = try parse(ByteBuilder.part10(transferSyntax: Self.implicitLE, dataSet: b.bytes))
        #expect(file.dataSet[Tag(0x0008, 0x0060)]?.stringValue(characterSet: .default) == "CT")
        // Without the generated dictionary the VR is UN; with it, US.
        let rows = try #require(file.dataSet[Tag(0x0028, 0x0010)])
        if DataDictionary.entry(for: Tag(0x0028, 0x0010)) != nil {
            #expect(rows.vr == .US)
            #expect(rows.uint16Values == [256])
        }
    }

    @Test func swapsExplicitBigEndianValues() throws {
        var b = ByteBuilder()
        b.littleEndian = false
        b.explicit(Tag(0x0028, 0x0010), .US, [0x02, 0x00])
        b.explicit(Tag(0x0028, 0x1052), .DS, "-1024")
        b.explicit(Tag(0x0028, 0x9999), .UL, [0, 0, 1, 2])
        let file = try parse(ByteBuilder.part10(transferSyntax: Self.explicitBE, dataSet: b.bytes))
        #expect(file.transferSyntax == .explicitVRBigEndian)
        #expect(file.dataSet[Tag(0x0028, 0x0010)]?.uint16Values == [512])
        #expect(file.dataSet[Tag(0x0028, 0x9999)]?.uint32Values == [0x0102])
        #expect(file.dataSet[Tag(0x0028, 0x1052)]?.stringValue(characterSet: .default) == "-1024")
    }

    @Test func readsNestedSequencesOfMixedLengths() throws {
        // SQ (undefined) > item (undefined) > SQ (defined) > item (defined) > SH
        var inner = ByteBuilder()
        inner.explicit(Tag(0x0008, 0x0100), .SH, "CODE1")
        var innerItem = ByteBuilder()
        innerItem.item(length: UInt32(inner.bytes.count))
        innerItem.bytes += inner.bytes
        var b = ByteBuilder()
        b.explicitUndefined(Tag(0x0040, 0x0275), .SQ)
        b.item()
        b.explicit(Tag(0x0008, 0x1032), .SQ, innerItem.bytes)
        b.item(.itemDelimitationItem, length: 0)
        b.item()  // an empty second item
        b.item(.itemDelimitationItem, length: 0)
        b.item(.sequenceDelimitationItem, length: 0)
        b.explicit(.patientID, .LO, "AFTER")
        let file = try parse(ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes))
        let items = try #require(file.dataSet[Tag(0x0040, 0x0275)]?.items)
        #expect(items.count == 2)
        #expect(items[1].isEmpty)
        let nested = try #require(items[0][Tag(0x0008, 0x1032)]?.items)
        #expect(nested.count == 1)
        #expect(nested[0][Tag(0x0008, 0x0100)]?.stringValue(characterSet: .default) == "CODE1")
        #expect(file.dataSet[.patientID]?.stringValue(characterSet: .default) == "AFTER")
    }

    @Test func readsUNOfUndefinedLengthAsImplicitSequence() throws {
        // PS3.5 §6.2.2: a UN of undefined length holds an implicit VR LE sequence.
        var b = ByteBuilder()
        b.explicitUndefined(Tag(0x0011, 0x1010), .UN)
        b.item()
        b.implicit(Tag(0x0011, 0x1011), "VALUE")
        b.item(.itemDelimitationItem, length: 0)
        b.item(.sequenceDelimitationItem, length: 0)
        let file = try parse(ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes))
        let e = try #require(file.dataSet[Tag(0x0011, 0x1010)])
        #expect(e.vr == .SQ)
        #expect(e.items?.first?[Tag(0x0011, 0x1011)]?.bytes?.readableBytes == 6)
    }

    @Test func locatesEncapsulatedFramesFromTheBasicOffsetTable() throws {
        var b = ByteBuilder()
        b.explicit(.numberOfFrames, .IS, "2")
        b.explicitUndefined(.pixelData, .OB)
        // BOT: frame 0 at 0, frame 1 after two fragments (8+4 and 8+6 bytes).
        b.item(length: 8)
        b.bytes += ByteBuilder.le32(0) + ByteBuilder.le32(26)
        b.item(length: 4)
        b.bytes += [0xFF, 0xD8, 1, 2]
        b.item(length: 6)
        b.bytes += [3, 4, 5, 6, 0xFF, 0xD9]
        b.item(length: 4)
        b.bytes += [0xFF, 0xD8, 0xFF, 0xD9]
        b.item(.sequenceDelimitationItem, length: 0)
        let bytes = ByteBuilder.part10(transferSyntax: "1.2.840.10008.1.2.4.50", dataSet: b.bytes)
        let file = try parse(bytes)
        guard case .encapsulated(let px)? = file.dataSet[.pixelData]?.value else {
            Issue.record("pixel data not encapsulated")
            return
        }
        #expect(px.basicOffsetTable == [0, 26])
        #expect(px.fragments.map(\.length) == [4, 6, 4])
        #expect(px.frames == [0..<2, 2..<3])
        #expect(px.frameSource == .basicOffsetTable)
        let first = px.frameByteRanges(0)[0]
        #expect(Array(bytes[first]) == [0xFF, 0xD8, 1, 2])
        #expect(px.valueLength == 8 + 8 + 8 + 4 + 8 + 6 + 8 + 4)
    }

    @Test func findsFramesByMarkersWithoutAnOffsetTable() throws {
        var b = ByteBuilder()
        b.explicit(.numberOfFrames, .IS, "2")
        b.explicitUndefined(.pixelData, .OB)
        b.item(length: 0)
        for frag: [UInt8] in [[0xFF, 0xD8, 0, 0], [1, 1, 0xFF, 0xD9], [0xFF, 0xD8, 0xFF, 0xD9]] {
            b.item(length: 4)
            b.bytes += frag
        }
        b.item(.sequenceDelimitationItem, length: 0)
        let file = try parse(ByteBuilder.part10(transferSyntax: "1.2.840.10008.1.2.4.50", dataSet: b.bytes))
        guard case .encapsulated(let px)? = file.dataSet[.pixelData]?.value else {
            Issue.record("pixel data not encapsulated")
            return
        }
        #expect(px.frames == [0..<2, 2..<3])
        #expect(px.frameSource == .jpegMarkers)
    }

    @Test func stopsBeforePixelDataWithoutReadingIt() throws {
        var b = ByteBuilder()
        b.explicit(.patientID, .LO, "P1")
        b.explicit(.pixelData, .OW, [], length: 1_000_000)  // the value is not even there
        let bytes = ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes)
        let file = try parse(bytes) { $0.stopBeforePixelData = true }
        #expect(file.dataSet[.pixelData] == nil)
        #expect(file.pixelDataOffset == bytes.count - 12)
        #expect(throws: DICOMParseError.self) { try parse(bytes) }
    }

    @Test func keepsLargeValuesAsReferences() throws {
        var b = ByteBuilder()
        b.explicit(.pixelData, .OW, [UInt8](repeating: 7, count: 4096))
        let bytes = ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes)
        let file = try parse(bytes) { $0.bulkDataThreshold = 1024 }
        guard case .bulkData(let ref)? = file.dataSet[.pixelData]?.value else {
            Issue.record("expected a reference")
            return
        }
        #expect(ref.length == 4096)
        #expect(ref.offset == bytes.count - 4096)
    }

    @Test func recordsOddLengthsAndReadsOnLeniently() throws {
        var b = ByteBuilder()
        b.explicit(.patientID, .LO, Array("ABC".utf8))
        b.explicit(Tag(0x0010, 0x0040), .CS, "F")
        let file = try parse(ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes))
        #expect(file.warnings.contains { $0.issue == .oddLength && $0.tag == .patientID })
        #expect(file.dataSet[Tag(0x0010, 0x0040)]?.stringValue(characterSet: .default) == "F")
    }

    @Test func readsFilesWithoutPreambleOrMeta() throws {
        var b = ByteBuilder()
        b.implicit(Tag(0x0008, 0x0060), "MR")
        b.implicit(.patientID, "X")
        let bare = try parse(b.bytes)
        #expect(bare.warnings.contains { $0.issue == .missingFileMeta })
        #expect(bare.transferSyntax == .implicitVRLittleEndian)
        #expect(bare.dataSet.count == 2)

        let full = ByteBuilder.part10(transferSyntax: Self.implicitLE, dataSet: b.bytes)
        let noPreamble = try parse(Array(full[128...]))
        #expect(noPreamble.warnings.contains { $0.issue == .missingPreamble })
        #expect(noPreamble.dataSet.count == 2)
    }

    @Test func rejectsLyingLengthsWithOffsetAndTag() throws {
        var b = ByteBuilder()
        b.explicit(.patientID, .LO, Array("AB".utf8), length: 400)
        let bytes = ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes)
        do {
            _ = try parse(bytes)
            Issue.record("expected an error")
        } catch let e as DICOMParseError {
            #expect(e.tag == .patientID)
            #expect(e.offset == bytes.count - 10)
            #expect(e.code == .truncated)
        }
    }

    @Test func rejectsAnItemLongerThanItsSequence() throws {
        var b = ByteBuilder()
        var items = ByteBuilder()
        items.item(length: 100)
        b.explicit(Tag(0x0040, 0x0275), .SQ, items.bytes)
        b.explicit(.patientID, .LO, [UInt8](repeating: 0x41, count: 200))
        #expect(throws: DICOMParseError.self) {
            try parse(ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes))
        }
    }

    @Test func boundsNestingDepth() throws {
        var b = ByteBuilder()
        for _ in 0..<200 {
            b.explicitUndefined(Tag(0x0040, 0x0275), .SQ)
            b.item()
        }
        do {
            _ = try parse(ByteBuilder.part10(transferSyntax: Self.explicitLE, dataSet: b.bytes))
            Issue.record("expected an error")
        } catch let e as DICOMParseError {
            #expect(e.code == .nestingTooDeep)
        }
    }

    @Test func rejectsNonDICOM() {
        #expect(throws: DICOMParseError.self) { try parse(Array("hello, this is not DICOM at all".utf8)) }
        #expect(throws: DICOMParseError.self) { try parse([]) }
    }

    @Test func everyTruncationIsATypedErrorOrAValidPrefix() throws {
        var b = ByteBuilder()
        b.explicit(.patientName, .PN, "Li^Na")
        b.explicitUndefined(Tag(0x0040, 0x0275), .SQ)
        b.item()
        b.explicit(Tag(0x0008, 0x0100), .SH, "C1")
        b.item(.itemDelimitationItem, length: 0)
        b.item(.sequenceDelimitationItem, length: 0)
        b.explicitUndefined(.pixelData, .OB)
        b.item(length: 0)
        b.item(length: 4)
        b.bytes += [0xFF, 0xD8, 0xFF, 0xD9]
        b.item(.sequenceDelimitationItem, length: 0)
        let bytes = ByteBuilder.part10(transferSyntax: "1.2.840.10008.1.2.4.50", dataSet: b.bytes)
        for cut in 0...bytes.count {
            do {
                _ = try parse(Array(bytes[..<cut]))
            } catch is DICOMParseError {
                // expected for most cuts
            }
        }
    }
}
