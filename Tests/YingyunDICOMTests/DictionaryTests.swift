import Testing

@testable import YingyunDICOM

@Suite struct DictionaryTests {
    @Test func standardEntries() throws {
        let name = try #require(DataDictionary.entry(for: .patientName))
        #expect(name.tag == Tag(0x0010, 0x0010))
        #expect(name.vrs == [.PN])
        #expect(name.vm == "1")
        #expect(name.keyword == "PatientName")
        #expect(name.name == "Patient's Name")
        #expect(!name.isRetired)

        let pixelData = try #require(DataDictionary.entry(for: Tag(0x7FE0, 0x0010)))
        #expect(pixelData.vrs == [.OB, .OW])
        #expect(pixelData.vr == .OB)

        // Other ambiguous VRs: "US or SS", "US or SS or OW", "US or OW".
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x1101))?.vrs == [.US, .SS])
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x1200))?.vrs == [.US, .SS, .OW])
        #expect(DataDictionary.entry(for: .lutData)?.vrs == [.US, .OW])
        #expect(DataDictionary.entry(for: .sopClassUID)?.vr == .UI)
        #expect(DataDictionary.entry(for: .transferSyntaxUID)?.keyword == "TransferSyntaxUID")
    }

    @Test func retiredEntry() throws {
        // (0008,0040) Data Set Type, retired since 2003.
        let e = try #require(DataDictionary.entry(for: Tag(0x0008, 0x0040)))
        #expect(e.keyword == "DataSetType")
        #expect(e.isRetired)
        #expect(e.vr == .US)
    }

    @Test func repeatingGroups() throws {
        let overlay = try #require(DataDictionary.entry(for: Tag(0x6002, 0x3000)))
        #expect(overlay.keyword == "OverlayData")
        #expect(overlay.tag == Tag(0x6002, 0x3000))
        #expect(overlay.vrs == [.OB, .OW])
        #expect(DataDictionary.entry(for: Tag(0x601E, 0x0010))?.keyword == "OverlayRows")
        #expect(DataDictionary.entry(for: Tag(0x5010, 0x3000))?.keyword == "CurveData")
        #expect(DataDictionary.entry(for: Tag(0x7F02, 0x0010))?.keyword == "VariablePixelData")
        // Masks with x inside the element: (0028,04x2) Coefficient Coding.
        #expect(DataDictionary.entry(for: Tag(0x0028, 0x0432))?.keyword == "CoefficientCoding")
    }

    @Test func groupLengthAndPrivateCreator() throws {
        let gl = try #require(DataDictionary.entry(for: Tag(0x0009, 0x0000)))
        #expect(gl.keyword == "GroupLength")
        #expect(gl.vrs == [.UL])
        #expect(gl.tag == Tag(0x0009, 0x0000))
        #expect(DataDictionary.entry(for: Tag(0x0008, 0x0000))?.vr == .UL)
        // Named group lengths keep their own entry.
        #expect(DataDictionary.entry(for: .fileMetaInformationGroupLength)?.keyword == "FileMetaInformationGroupLength")

        let creator = try #require(DataDictionary.entry(for: Tag(0x0029, 0x0010)))
        #expect(creator.vr == .LO)
        #expect(creator.keyword == "PrivateCreator")
    }

    @Test func unknownTagsAndItems() {
        #expect(DataDictionary.entry(for: Tag(0x0029, 0x1010)) == nil)
        #expect(DataDictionary.entry(for: Tag(0x0010, 0x0011)) == nil)
        #expect(DataDictionary.entry(for: .item) == nil)
        #expect(DataDictionary.entry(for: .sequenceDelimitationItem) == nil)
    }

    @Test func privateEntries() throws {
        let e10 = try #require(
            DataDictionary.entry(for: Tag(0x0029, 0x1010), privateCreator: "SIEMENS CSA HEADER"))
        #expect(e10.name == "CSA Image Header Info")
        #expect(e10.vr == .OB)
        #expect(e10.tag == Tag(0x0029, 0x1010))
        // Same element in block 0x11: the block byte is ignored.
        let e11 = try #require(
            DataDictionary.entry(for: Tag(0x0029, 0x1110), privateCreator: "SIEMENS CSA HEADER"))
        #expect(e11.name == e10.name)
        #expect(e11.tag == Tag(0x0029, 0x1110))
        // Trailing padding of the creator value is ignored.
        #expect(
            DataDictionary.entry(for: Tag(0x0029, 0x1008), privateCreator: "SIEMENS CSA HEADER  ")?.name
                == "CSA Image Header Type")
        #expect(DataDictionary.entry(for: Tag(0x0029, 0x1010), privateCreator: "NO SUCH CREATOR") == nil)
        // Creator elements fall back to the standard rules.
        #expect(DataDictionary.entry(for: Tag(0x0029, 0x0011), privateCreator: "SIEMENS CSA HEADER")?.vr == .LO)
        // Exact keys (no xx) in a private dictionary: CANON_MEC_MR3 (700D,0005) FOV.
        #expect(DataDictionary.entry(for: Tag(0x700D, 0x0005), privateCreator: "CANON_MEC_MR3")?.name == "FOV")
    }

    @Test func keywords() {
        #expect(DataDictionary.tag(forKeyword: "PatientName") == Tag(0x0010, 0x0010))
        #expect(DataDictionary.tag(forKeyword: "SOPInstanceUID") == .sopInstanceUID)
        #expect(DataDictionary.tag(forKeyword: "PixelData") == .pixelData)
        #expect(DataDictionary.tag(forKeyword: "OverlayData") == Tag(0x6000, 0x3000))
        #expect(DataDictionary.tag(forKeyword: "NoSuchKeyword") == nil)
        #expect(DataDictionary.tag(forKeyword: "") == nil)
    }

    @Test func generatedTagConstants() {
        #expect(Tag.rtImageLabel == Tag(0x3002, 0x0002))
        #expect(Tag.fileMetaInformationGroupLength == Tag(0x0002, 0x0000))
        #expect(Tag.sopClassUID == Tag(0x0008, 0x0016))
        #expect(Tag.patientID == Tag(0x0010, 0x0020))
        #expect(Tag.floatPixelData == Tag(0x7FE0, 0x0008))
        #expect(Tag.doubleFloatPixelData == Tag(0x7FE0, 0x0009))
        #expect(Tag.extendedOffsetTableLengths == Tag(0x7FE0, 0x0002))
    }

    @Test func fastVRLookup() {
        #expect(DataDictionary.vr(for: .patientName) == .PN)
        #expect(DataDictionary.vr(for: .pixelData) == .OB)
        #expect(DataDictionary.vr(for: Tag(0x6004, 0x0010)) == .US)
        #expect(DataDictionary.vr(for: Tag(0x0011, 0x0000)) == .UL)
        #expect(DataDictionary.vr(for: Tag(0x0011, 0x0010)) == .LO)
        #expect(DataDictionary.vr(for: Tag(0x0011, 0x1010)) == nil)
    }

    @Test func entryCount() {
        #expect(DataDictionary.standardEntryCount > 4000)
        #expect(UIDDictionary.count > 400)
    }

    @Test func uids() throws {
        let evrle = try #require(UIDDictionary.entry(for: "1.2.840.10008.1.2.1"))
        #expect(evrle.name == "Explicit VR Little Endian")
        #expect(evrle.type == "Transfer Syntax")
        #expect(evrle.keyword == "ExplicitVRLittleEndian")
        #expect(!evrle.isRetired)
        // A UI value padded with NUL.
        #expect(UIDDictionary.entry(for: "1.2.840.10008.1.2.1\0")?.keyword == "ExplicitVRLittleEndian")

        let ct = try #require(UIDDictionary.entry(for: UID.ctImageStorage))
        #expect(ct.uid == "1.2.840.10008.5.1.4.1.1.2")
        #expect(ct.name == "CT Image Storage")
        #expect(ct.type == "SOP Class")
        #expect(UIDDictionary.uid(forKeyword: "CTImageStorage") == "1.2.840.10008.5.1.4.1.1.2")
        #expect(UIDDictionary.uid(forKeyword: "NoSuchUID") == nil)
        #expect(UIDDictionary.entry(for: "1.2.3.4") == nil)

        // Retired: Explicit VR Big Endian.
        #expect(UIDDictionary.entry(for: UID.explicitVRBigEndian)?.isRetired == true)
        #expect(UID.explicitVRLittleEndian == TransferSyntax.explicitVRLittleEndian.uid)
        #expect(UID.jpegBaseline8Bit == "1.2.840.10008.1.2.4.50")
    }
}
