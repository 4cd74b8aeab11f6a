import NIOCore
import Testing
import YingyunDICOMIO

@testable import YingyunDICOM

/// What each synthetic fixture (Fixtures/MANIFEST.tsv) must read as.
@Suite struct FixtureTests {
    func load(_ name: String, _ configure: (inout ParseOptions) -> Void = { _ in }) throws -> DICOMFile {
        var options = ParseOptions()
        configure(&options)
        return try DICOMFile.parse(try FileByteSource(path: Fixtures.root + "/dicom/" + name), options: options)
    }

    func text(_ file: DICOMFile, _ tag: YingyunDICOM.Tag, options: CharacterSetOptions = .default) -> [String] {
        let charset = SpecificCharacterSet(element: file.dataSet[.specificCharacterSet])
        return file.dataSet[tag]?.stringValues(characterSet: charset, options: options) ?? []
    }

    /// Tags and values (little endian in memory) of a data set, recursively.
    func flatten(_ ds: DataSet, into out: inout [String], prefix: String = "") {
        for e in ds.elements {
            switch e.value {
            case .bytes(let b): out.append("\(prefix)\(e.tag) \(Array(b.readableBytesView))")
            case .sequence(let items):
                for (i, item) in items.enumerated() { flatten(item, into: &out, prefix: "\(prefix)\(e.tag)[\(i)]") }
            default: out.append("\(prefix)\(e.tag) ref")
            }
        }
    }

    @Test func everyTransferSyntaxReadsTheSameDataSet() throws {
        let reference = try load("ct_explicit_le.dcm") { $0.bulkDataThreshold = 1 << 20 }
        var expected: [String] = []
        flatten(reference.dataSet, into: &expected)
        for name in ["ct_implicit_le.dcm", "ct_explicit_be.dcm", "ct_deflated.dcm", "ct_no_preamble.dcm",
            "ct_no_meta_implicit.dcm"]
        {
            let file = try load(name) { $0.bulkDataThreshold = 1 << 20 }
            var got: [String] = []
            flatten(file.dataSet, into: &got)
            #expect(got == expected, "\(name) differs from ct_explicit_le.dcm")
        }
        #expect(try load("ct_explicit_be.dcm").transferSyntax == .explicitVRBigEndian)
        #expect(try load("ct_deflated.dcm").inflatedDataSet != nil)
        #expect(try load("ct_no_preamble.dcm").warnings.contains { $0.issue == .missingPreamble })
        #expect(try load("ct_no_meta_implicit.dcm").warnings.contains { $0.issue == .missingFileMeta })
    }

    @Test func readsPatientIdentity() throws {
        let file = try load("ct_explicit_le.dcm")
        let name = PersonName(text(file, .patientName).first ?? "")
        #expect(!name.alphabetic.isEmpty && !name.ideographic.isEmpty)
        #expect(text(file, Tag(0x0010, 0x0021)).count == 1)  // IssuerOfPatientID
        let other = try #require(file.dataSet[Tag(0x0010, 0x1002)]?.items?.first)
        let nationalID = other[.patientID]?.stringValue(characterSet: .default) ?? ""
        #expect(nationalID.utf8.count == 18)
        #expect(other[Tag(0x0010, 0x0021)]?.stringValue(characterSet: .default) == "NNCHN")
    }

    @Test func recoversMislabelledGBK() throws {
        for name in ["charset_gbk_declared_latin1.dcm", "charset_gbk_undeclared.dcm"] {
            let file = try load(name)
            #expect(text(file, .patientName) == ["Wang^Fang=王^芳"], "\(name)")
            #expect(text(file, Tag(0x0008, 0x0080)) == ["影云第二医院"], "\(name)")
            // Strict decoding shows what the bytes claim to be, not a guess.
            #expect(text(file, .patientName, options: .strict) != ["Wang^Fang=王^芳"])
        }
    }

    @Test func splitsGB18030ValuesAfterDecoding() throws {
        // 乗 is 0x81 0x5C: splitting raw bytes on 0x5C would cut it in half.
        #expect(text(try load("charset_gb18030_5c_trail.dcm"), Tag(0x0008, 0x1030)) == ["乗用车", "胸部"])
    }

    @Test func decodesFourByteGB18030() throws {
        #expect(text(try load("charset_gb18030_four_byte.dcm"), .patientName) == ["Liu^Yan=刘^䶮"])
    }

    @Test func refusesAClaimedTwoGigabyteValueWithoutAllocatingIt() throws {
        // pydicom silently reads the 512 bytes present; we name the lie.
        do {
            _ = try load("broken_lying_length_pixeldata.dcm")
            Issue.record("expected an error")
        } catch let e as DICOMParseError {
            #expect(e.tag == .pixelData && e.code == .truncated)
        }
        do {
            _ = try load("broken_truncated_header.dcm")
            Issue.record("expected an error")
        } catch let e as DICOMParseError {
            #expect(e.code == .truncated && e.offset < 700)
        }
    }

    @Test func readsNestedSequencesInBothEncodings() throws {
        for name in ["sq_nested_mixed.dcm", "sq_nested_implicit.dcm"] {
            let file = try load(name)
            let items = try #require(file.dataSet[Tag(0x0008, 0x1140)]?.items)
            #expect(items.count == 2)
            #expect(items[1].isEmpty)
            let level2 = try #require(items[0][Tag(0x0008, 0x1032)]?.items?.first)
            let level3 = try #require(level2[Tag(0x0008, 0x2218)]?.items?.first)
            #expect(level3[Tag(0x0008, 0x0100)]?.stringValue(characterSet: .default) == "T-D3000")
        }
    }

    @Test func readsPrivateTagsAndUNSequence() throws {
        let file = try load("private_tags_un_sequence.dcm")
        #expect(file.dataSet.privateCreator(for: Tag(0x0029, 0x1010)) == "YINGYUN TEST PRIVATE")
        #expect(file.dataSet[Tag(0x0029, 0x1011)]?.uint16Values == [7, 8])
        let un = try #require(file.dataSet[Tag(0x0029, 0x1013)])
        #expect(un.vr == .SQ)
        #expect(un.items?.first?[Tag(0x0029, 0x1020)]?.bytes != nil)
    }

    @Test func warnsOnOddLength() throws {
        let file = try load("odd_length.dcm")
        #expect(file.warnings.contains { $0.issue == .oddLength && $0.tag == Tag(0x0008, 0x1090) })
        #expect(text(file, Tag(0x0008, 0x1090)) == ["ODD"])
    }

    @Test func locatesFrames() throws {
        let native = try load("multiframe_native.dcm")
        #expect(native.dataSet[.numberOfFrames]?.intValue == 3)
        let cases: [(String, EncapsulatedPixelData.FrameSource, Int)] = [
            ("encapsulated_bot.dcm", .basicOffsetTable, 2),
            ("encapsulated_no_bot.dcm", .oneFragmentPerFrame, 1),
            ("encapsulated_eot.dcm", .extendedOffsetTable, 2),
        ]
        for (name, source, perFrame) in cases {
            let bytes = try FileByteSource.readAll(path: Fixtures.root + "/dicom/" + name)
            let file = try DICOMFile.parse(bytes)
            guard case .encapsulated(let px)? = file.dataSet[.pixelData]?.value else {
                Issue.record("\(name): not encapsulated")
                continue
            }
            #expect(px.frameSource == source, "\(name)")
            #expect(px.frames.count == 3, "\(name)")
            for f in 0..<3 {
                let ranges = px.frameByteRanges(f)
                #expect(ranges.count == perFrame)
                // Each frame is one fake JPEG codestream: SOI first, EOI last (before padding).
                let first = ranges[0].lowerBound
                #expect(bytes.getInteger(at: bytes.readerIndex + first, as: UInt16.self) == 0xFFD8)
            }
        }
    }

    @Test func brokenFilesNameOffsetAndTag() throws {
        do {
            _ = try load("broken_truncated.dcm")
            Issue.record("expected a truncation error")
        } catch let e as DICOMParseError {
            #expect(e.code == .truncated && e.tag == .pixelData)
        }
        do {
            _ = try load("broken_lying_length.dcm")
            Issue.record("expected a length error")
        } catch let e as DICOMParseError {
            #expect(e.tag == Tag(0x0008, 0x1090))
            #expect(e.offset > 132)
        }
    }

    @Test func multiHospitalSetLinksByNationalID() throws {
        let files = Fixtures.files(under: Fixtures.root + "/dicom/studies")
        #expect(files.count >= 6)
        var localIDsByNationalID: [String: Set<String>] = [:]
        for path in files {
            let file = try DICOMFile.parse(try FileByteSource(path: path), options: ParseOptions(stopBeforePixelData: true))
            let ds = file.dataSet
            let local = (ds[.patientID]?.stringValue(characterSet: .default) ?? "") + "@"
                + (ds[Tag(0x0010, 0x0021)]?.stringValue(characterSet: .default) ?? "")
            guard let national = ds[Tag(0x0010, 0x1002)]?.items?.first?[.patientID]?.stringValue(characterSet: .default)
            else { continue }
            localIDsByNationalID[national, default: []].insert(local)
        }
        // Some synthetic person is known under different local IDs at different hospitals.
        #expect(localIDsByNationalID.values.contains { $0.count > 1 })
    }
}
