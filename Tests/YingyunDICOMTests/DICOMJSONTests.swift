import NIOCore
import Synchronization
import Testing

@testable import YingyunDICOM

#if canImport(Glibc)
    import Glibc
#endif

/// DICOM JSON Model (PS3.18 Annex F). Expectations marked "pydicom" were printed by pydicom 3.0.2's
/// `Dataset.to_json_dict()` for the same value bytes.
@Suite struct DICOMJSONTests {
    // MARK: Helpers

    /// A text element, padded to even length as a writer would.
    static func text(_ group: UInt16, _ element: UInt16, _ vr: VR, _ s: String) -> DataElement {
        var b = Array(s.utf8)
        if b.count % 2 == 1 { b.append(vr.paddingByte) }
        return DataElement(tag: Tag(group, element), vr: vr, bytes: ByteBuffer(bytes: b))
    }

    static func raw(_ group: UInt16, _ element: UInt16, _ vr: VR, _ bytes: [UInt8]) -> DataElement {
        DataElement(tag: Tag(group, element), vr: vr, bytes: ByteBuffer(bytes: bytes))
    }

    static func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var out: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        return out
    }

    static func json(
        _ ds: DataSet, _ encoder: DICOMJSONEncoder = DICOMJSONEncoder(), source: (any ByteSource)? = nil
    ) throws -> String {
        String(decoding: try encoder.encode(ds, source: source), as: UTF8.self)
    }

    /// JSON of a data set holding one element.
    static func one(_ e: DataElement, _ encoder: DICOMJSONEncoder = DICOMJSONEncoder()) throws -> String {
        try json(DataSet([e]), encoder)
    }

    /// The typed error `body` throws, or nil.
    static func failure(_ body: () throws(DICOMJSONError) -> Void) -> DICOMJSONError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    // MARK: Encoder: every VR

    @Test func encodesEveryVR() throws {
        let ds = DataSet([
            Self.text(0x0008, 0x0054, .AE, "AETITLE "),
            Self.text(0x0010, 0x1010, .AS, "045Y"),
            Self.raw(0x0020, 0x9165, .AT, Self.le([UInt16(0x0010), 0x0010, 0x0020, 0x000D])),
            Self.text(0x0008, 0x0060, .CS, "CT"),
            Self.text(0x0008, 0x0020, .DA, "20240102"),
            Self.text(0x0018, 0x0050, .DS, "1.0 "),
            Self.text(0x0008, 0x002A, .DT, "20240102123000.5"),
            Self.raw(0x0018, 0x9087, .FD, Self.le([(2.5).bitPattern])),
            Self.raw(0x0018, 0x2030, .FL, Self.le([Float(0.5).bitPattern])),
            Self.text(0x0020, 0x0013, .IS, "  12"),
            Self.text(0x0008, 0x1030, .LO, "Study"),
            Self.text(0x0020, 0x4000, .LT, "  Some text  "),
            Self.raw(0x0009, 0x1001, .OB, [1, 2, 3, 4]),
            Self.raw(0x0009, 0x1002, .OD, Self.le([(1.0).bitPattern])),
            Self.raw(0x0009, 0x1003, .OF, Self.le([Float(1).bitPattern])),
            Self.raw(0x0009, 0x1004, .OL, Self.le([UInt32(1)])),
            Self.raw(0x0009, 0x1005, .OV, Self.le([UInt64(1)])),
            Self.raw(0x0009, 0x1006, .OW, Self.le([UInt16(0x0201), 0x0403])),
            Self.text(0x0010, 0x0010, .PN, "Doe^John"),
            Self.text(0x0008, 0x0050, .SH, "ACC1"),
            Self.raw(0x0018, 0x6020, .SL, Self.le([Int32(-1), 7])),
            Self.raw(0x0018, 0x9219, .SS, Self.le([Int16(-2)])),
            Self.text(0x0008, 0x0081, .ST, "Street 1"),
            Self.raw(0x0018, 0x9220, .SV, Self.le([Int64.min])),
            Self.text(0x0008, 0x0030, .TM, "123000"),
            Self.text(0x0008, 0x0119, .UC, "Unlimited"),
            Self.text(0x0008, 0x0016, .UI, "1.2.840.10008.5.1.4.1.1.2"),
            Self.raw(0x0028, 0x0008, .UL, Self.le([UInt32.max])),
            Self.raw(0x0009, 0x1007, .UN, [0xFF, 0xFE]),
            Self.text(0x0008, 0x0120, .UR, "http://example.com/x "),
            Self.raw(0x0028, 0x0010, .US, Self.le([UInt16(512), 1])),
            Self.text(0x0018, 0x0015, .UT, "Unlimited text"),
            Self.raw(0x0018, 0x9221, .UV, Self.le([UInt64.max])),
            DataElement(tag: Tag(0x0008, 0x1115), items: [DataSet([Self.text(0x0008, 0x1150, .UI, "1.2.3")])]),
        ])
        let expected =
            #"{"00080016":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},"#
            + #""00080020":{"vr":"DA","Value":["20240102"]},"#
            + #""0008002A":{"vr":"DT","Value":["20240102123000.5"]},"#
            + #""00080030":{"vr":"TM","Value":["123000"]},"#
            + #""00080050":{"vr":"SH","Value":["ACC1"]},"#
            + #""00080054":{"vr":"AE","Value":["AETITLE"]},"#
            + #""00080060":{"vr":"CS","Value":["CT"]},"#
            + #""00080081":{"vr":"ST","Value":["Street 1"]},"#
            + #""00080119":{"vr":"UC","Value":["Unlimited"]},"#
            + #""00080120":{"vr":"UR","Value":["http://example.com/x"]},"#
            + #""00081030":{"vr":"LO","Value":["Study"]},"#
            + #""00081115":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.3"]}}]},"#
            + #""00091001":{"vr":"OB","InlineBinary":"AQIDBA=="},"#
            + #""00091002":{"vr":"OD","InlineBinary":"AAAAAAAA8D8="},"#
            + #""00091003":{"vr":"OF","InlineBinary":"AACAPw=="},"#
            + #""00091004":{"vr":"OL","InlineBinary":"AQAAAA=="},"#
            + #""00091005":{"vr":"OV","InlineBinary":"AQAAAAAAAAA="},"#
            + #""00091006":{"vr":"OW","InlineBinary":"AQIDBA=="},"#
            + #""00091007":{"vr":"UN","InlineBinary":"//4="},"#
            + #""00100010":{"vr":"PN","Value":[{"Alphabetic":"Doe^John"}]},"#
            + #""00101010":{"vr":"AS","Value":["045Y"]},"#
            + #""00180015":{"vr":"UT","Value":["Unlimited text"]},"#
            + #""00180050":{"vr":"DS","Value":[1.0]},"#
            + #""00182030":{"vr":"FL","Value":[0.5]},"#
            + #""00186020":{"vr":"SL","Value":[-1,7]},"#
            + #""00189087":{"vr":"FD","Value":[2.5]},"#
            + #""00189219":{"vr":"SS","Value":[-2]},"#
            + #""00189220":{"vr":"SV","Value":[-9223372036854775808]},"#
            + #""00189221":{"vr":"UV","Value":[18446744073709551615]},"#
            + #""00200013":{"vr":"IS","Value":[12]},"#
            + #""00204000":{"vr":"LT","Value":["  Some text"]},"#
            + #""00209165":{"vr":"AT","Value":["00100010","0020000D"]},"#
            + #""00280008":{"vr":"UL","Value":[4294967295]},"#
            + #""00280010":{"vr":"US","Value":[512,1]}}"#
        #expect(try Self.json(ds) == expected)
    }

    // MARK: Encoder: conventions checked against pydicom

    @Test func matchesPydicomForNumbersAndStrings() throws {
        // pydicom: DS "1.0 " → 1.0; "1.5\-2e3" → [1.5, -2000.0]; " 1e16" → 1e+16; 18 digits → 1.2345678901234568e+17
        #expect(try Self.one(Self.text(0x0018, 0x0050, .DS, "1.0 ")) == #"{"00180050":{"vr":"DS","Value":[1.0]}}"#)
        #expect(
            try Self.one(Self.text(0x0018, 0x0088, .DS, "1.5\\-2e3 "))
                == #"{"00180088":{"vr":"DS","Value":[1.5,-2000.0]}}"#)
        #expect(try Self.one(Self.text(0x0018, 0x0050, .DS, " 1e16")) == #"{"00180050":{"vr":"DS","Value":[1e+16]}}"#)
        #expect(try Self.one(Self.text(0x0018, 0x0050, .DS, "1e-5")) == #"{"00180050":{"vr":"DS","Value":[1e-05]}}"#)
        #expect(
            try Self.one(Self.text(0x0018, 0x0050, .DS, "123456789012345678"))
                == #"{"00180050":{"vr":"DS","Value":[1.2345678901234568e+17]}}"#)
        // pydicom: IS "  12" → 12, "12.0" → 12, "+12" → 12, "1\3" → [1, 3]
        #expect(try Self.one(Self.text(0x0020, 0x0013, .IS, "  12")) == #"{"00200013":{"vr":"IS","Value":[12]}}"#)
        #expect(try Self.one(Self.text(0x0020, 0x0013, .IS, "12.0")) == #"{"00200013":{"vr":"IS","Value":[12]}}"#)
        #expect(try Self.one(Self.text(0x0020, 0x0013, .IS, "+12")) == #"{"00200013":{"vr":"IS","Value":[12]}}"#)
        #expect(try Self.one(Self.text(0x0020, 0x0012, .IS, "1\\3 ")) == #"{"00200012":{"vr":"IS","Value":[1,3]}}"#)
        // Invalid numbers stay strings (PS3.18 §F.2.3 allows strings for IS/DS; pydicom raises).
        #expect(try Self.one(Self.text(0x0018, 0x1000, .DS, "abc ")) == #"{"00181000":{"vr":"DS","Value":["abc"]}}"#)
        #expect(try Self.one(Self.text(0x0020, 0x0013, .IS, "12.5")) == #"{"00200013":{"vr":"IS","Value":["12.5"]}}"#)
        #expect(try Self.one(Self.text(0x0018, 0x1000, .DS, "nan ")) == #"{"00181000":{"vr":"DS","Value":["nan"]}}"#)
        // pydicom: FL 0.1f → 0.10000000149011612 (the double it widens to); SL/SV -1; UV 2^64-1 exact.
        #expect(
            try Self.one(Self.raw(0x0018, 0x2030, .FL, [0xCD, 0xCC, 0xCC, 0x3D]))
                == #"{"00182030":{"vr":"FL","Value":[0.10000000149011612]}}"#)
        #expect(
            try Self.one(Self.raw(0x0018, 0x9220, .UV, [UInt8](repeating: 0xFF, count: 8)))
                == #"{"00189220":{"vr":"UV","Value":[18446744073709551615]}}"#)
        // Non-finite floats: JSON has no literal, so strings (pydicom writes NaN/Infinity literals).
        #expect(
            try Self.one(
                Self.raw(
                    0x0018, 0x1318, .FD,
                    Self.le([Double.nan.bitPattern, Double.infinity.bitPattern, (-Double.infinity).bitPattern])))
                == #"{"00181318":{"vr":"FD","Value":["NaN","Infinity","-Infinity"]}}"#)
        // pydicom: UI NUL padding removed; UR/LT keep leading spaces; LO keeps leading spaces.
        #expect(
            try Self.one(Self.raw(0x0008, 0x1150, .UI, Array("1.2.3\0".utf8)))
                == #"{"00081150":{"vr":"UI","Value":["1.2.3"]}}"#)
        #expect(
            try Self.one(Self.text(0x0008, 0x1190, .UR, " http://x "))
                == #"{"00081190":{"vr":"UR","Value":[" http://x"]}}"#)
        #expect(
            try Self.one(Self.text(0x0020, 0x4000, .LT, "  hello  "))
                == #"{"00204000":{"vr":"LT","Value":["  hello"]}}"#)
        #expect(try Self.one(Self.text(0x0010, 0x0020, .LO, " x ")) == #"{"00100020":{"vr":"LO","Value":[" x"]}}"#)
        // LT is single-valued: a backslash is text, not a delimiter (pydicom: "a\\b").
        #expect(try Self.one(Self.text(0x0020, 0x4000, .LT, "a\\b")) == #"{"00204000":{"vr":"LT","Value":["a\\b"]}}"#)
        // pydicom: AT → uppercase hex; US [512, 1]; OW/UN → base64.
        #expect(
            try Self.one(Self.raw(0x0020, 0x9165, .AT, [0x10, 0, 0x10, 0, 0x20, 0, 0x0D, 0]))
                == #"{"00209165":{"vr":"AT","Value":["00100010","0020000D"]}}"#)
        #expect(
            try Self.one(Self.raw(0x7FE0, 0x0010, .OW, [1, 2, 3, 4]))
                == #"{"7FE00010":{"vr":"OW","InlineBinary":"AQIDBA=="}}"#)
        #expect(
            try Self.one(Self.raw(0x0009, 0x1000, .UN, [1, 2, 3])) == #"{"00091000":{"vr":"UN","InlineBinary":"AQID"}}"#
        )
    }

    @Test func encodesPersonNameGroups() throws {
        // pydicom: the three groups of PS3.5 §H.3's example.
        let ds = DataSet([
            Self.text(0x0008, 0x0005, .CS, "ISO_IR 192"),
            Self.text(0x0010, 0x0010, .PN, "Yamada^Tarou=山田^太郎=やまだ^たろう"),
        ])
        #expect(
            try Self.json(ds)
                == #"{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"#
                + #""00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎","Phonetic":"やまだ^たろう"}]}}"#
        )
        // Trailing empty groups omitted (pydicom: "A==" → {"Alphabetic": "A"}).
        #expect(
            try Self.one(Self.text(0x0010, 0x0010, .PN, "A=="))
                == #"{"00100010":{"vr":"PN","Value":[{"Alphabetic":"A"}]}}"#)
        // Only non-empty groups (PS3.18 §F.2.2; pydicom also writes "Alphabetic": "").
        #expect(
            try Self.one(Self.text(0x0010, 0x0010, .PN, "=B"))
                == #"{"00100010":{"vr":"PN","Value":[{"Ideographic":"B"}]}}"#)
        // An all-empty single value has no "Value" (pydicom: "==" and "  " → no Value).
        #expect(try Self.one(Self.text(0x0010, 0x0010, .PN, "==")) == #"{"00100010":{"vr":"PN"}}"#)
        #expect(try Self.one(Self.text(0x0010, 0x0010, .PN, "  ")) == #"{"00100010":{"vr":"PN"}}"#)
        // Multiple values, one empty → null (PS3.18 §F.2.5).
        #expect(
            try Self.one(Self.text(0x0008, 0x1070, .PN, "A^B\\\\=C "))
                == #"{"00081070":{"vr":"PN","Value":[{"Alphabetic":"A^B"},null,{"Ideographic":"C"}]}}"#)
    }

    @Test func writesNullForEmptyValuesAndOmitsEmptyAttributes() throws {
        // PS3.18 §F.2.5: empty values in a multi-valued attribute are null (pydicom writes "").
        #expect(
            try Self.one(Self.text(0x0008, 0x1030, .LO, "a\\\\b "))
                == #"{"00081030":{"vr":"LO","Value":["a",null,"b"]}}"#)
        #expect(
            try Self.one(Self.text(0x0020, 0x0012, .IS, "1\\\\3 ")) == #"{"00200012":{"vr":"IS","Value":[1,null,3]}}"#)
        #expect(try Self.one(Self.text(0x0018, 0x0050, .DS, "\\2")) == #"{"00180050":{"vr":"DS","Value":[null,2.0]}}"#)
        // Zero length → no "Value" (pydicom agrees for LO, DA, UL, US, OB, AT).
        for vr in [VR.LO, .DA, .UL, .US, .OB, .AT, .FD, .PN, .UI] {
            #expect(try Self.one(Self.raw(0x0011, 0x1010, vr, [])) == #"{"00111010":{"vr":""# + vr.rawValue + #""}}"#)
        }
        // Padding only → no "Value" (pydicom: IS " " and DS " " → no Value).
        #expect(try Self.one(Self.text(0x0020, 0x0013, .IS, " ")) == #"{"00200013":{"vr":"IS"}}"#)
        // Empty sequence: no "Value" (§F.2.5; pydicom writes "Value": []); empty item: {}.
        #expect(try Self.one(DataElement(tag: Tag(0x0008, 0x1115), items: [])) == #"{"00081115":{"vr":"SQ"}}"#)
        #expect(
            try Self.one(DataElement(tag: Tag(0x0008, 0x1115), items: [DataSet(), DataSet()]))
                == #"{"00081115":{"vr":"SQ","Value":[{},{}]}}"#)
    }

    @Test func writesItemsUnderSQWhateverTheElementVR() throws {
        let un = DataElement(tag: Tag(0x0009, 0x1010), vr: .UN, length: .undefined, value: .sequence([DataSet()]))
        #expect(try Self.one(un) == #"{"00091010":{"vr":"SQ","Value":[{}]}}"#)
    }

    @Test func omitsGroupLengthAndKeepsTagOrder() throws {
        // Built out of order; DataSet sorts. Group lengths omitted (PS3.18 §F.2.2; pydicom keeps them).
        let ds = DataSet([
            Self.text(0x0029, 0x1010, .LO, "private"),
            Self.raw(0x0010, 0x0000, .UL, Self.le([UInt32(4)])),
            Self.text(0x0029, 0x0010, .LO, "CREATOR"),
            Self.text(0x0010, 0x0020, .LO, "ID"),
            Self.raw(0x0008, 0x0000, .UL, Self.le([UInt32(4)])),
            Self.text(0x0008, 0x0060, .CS, "MR"),
        ])
        #expect(
            try Self.json(ds)
                == #"{"00080060":{"vr":"CS","Value":["MR"]},"00100020":{"vr":"LO","Value":["ID"]},"#
                + #""00290010":{"vr":"LO","Value":["CREATOR"]},"00291010":{"vr":"LO","Value":["private"]}}"#)
    }

    @Test func escapesText() throws {
        let ds = DataSet([
            Self.text(0x0008, 0x0005, .CS, "ISO_IR 192"),
            Self.text(0x0020, 0x4000, .LT, "quote\" back\\slash tab\t nl\n ctl\u{01}\u{1F} é 中"),
        ])
        let out = try Self.json(ds)
        #expect(
            out == #"{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"#
                + #""00204000":{"vr":"LT","Value":["quote\" back\\slash tab\t nl\n ctl\u0001\u001F é 中"]}}"#)
        // The output is valid JSON that our parser reads back to the same text.
        let parsed = try JSONParser.parse(Array(out.utf8))
        guard
            case .string(let s)? = parsed.member("00204000")?.member("Value").flatMap({ v -> JSONValue.Kind? in
                if case .array(let a) = v.kind { return a.first?.kind }
                return nil
            })
        else {
            Issue.record("no string value")
            return
        }
        #expect(s == "quote\" back\\slash tab\t nl\n ctl\u{01}\u{1F} é 中")
    }

    @Test func replacesInvalidUTF8InUndeclaredText() throws {
        // A CS value with a stray high byte: output must stay valid UTF-8.
        let out = try DICOMJSONEncoder().encode(DataSet([Self.raw(0x0008, 0x0060, .CS, [0x41, 0xFF])]), source: nil)
        #expect(String(validating: out, as: UTF8.self) != nil)
        #expect(String(decoding: out, as: UTF8.self) == #"{"00080060":{"vr":"CS","Value":["A\#u{FFFD}"]}}"#)
    }

    // MARK: Encoder: character sets in sequences

    @Test func sequenceItemsInheritOrOverrideCharacterSet() throws {
        let inner = DataSet([Self.raw(0x0010, 0x0010, .PN, Array("caf".utf8) + [0xE9])])  // Latin-1 "café"
        let own = DataSet([
            Self.text(0x0008, 0x0005, .CS, "ISO_IR 192"),
            Self.text(0x0010, 0x0010, .PN, "café"),
        ])
        let nested = DataSet([
            DataElement(tag: Tag(0x0040, 0xA730), items: [DataSet([Self.raw(0x0040, 0xA160, .UT, [0xE9, 0x20])])])
        ])
        let ds = DataSet([
            Self.text(0x0008, 0x0005, .CS, "ISO_IR 100"),
            DataElement(tag: Tag(0x0040, 0xA730), items: [inner, own, nested]),
        ])
        #expect(
            try Self.json(ds)
                == #"{"00080005":{"vr":"CS","Value":["ISO_IR 100"]},"0040A730":{"vr":"SQ","Value":["#
                + #"{"00100010":{"vr":"PN","Value":[{"Alphabetic":"café"}]}},"#
                + #"{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"café"}]}},"#
                + #"{"0040A730":{"vr":"SQ","Value":[{"0040A160":{"vr":"UT","Value":["é"]}}]}}]}}"#)
    }

    // MARK: Encoder: binary values

    @Test func bulkDataThresholdUsesTheURIClosure() throws {
        let big = [UInt8](repeating: 7, count: 2000)
        let item = DataSet([Self.raw(0x0009, 0x1010, .OB, [UInt8](repeating: 1, count: 100))])
        let ds = DataSet([
            DataElement(
                tag: Tag(0x0009, 0x1001), vr: .OB, length: Length(2000), value: .bytes(ByteBuffer(bytes: big)),
                valueOffset: 1234),
            DataElement(tag: Tag(0x0040, 0x0275), items: [DataSet(), item]),
            Self.raw(0x0009, 0x1002, .OW, [1, 2]),
        ])
        let seen = ContextLog()
        let encoder = DICOMJSONEncoder(bulkDataThreshold: 50) { ctx in
            seen.append(ctx)
            return ctx.tag == Tag(0x0009, 0x1010) ? "http://x/item" : "http://x/\(ctx.tag.jsonKey)"
        }
        #expect(
            try Self.json(ds, encoder)
                == #"{"00091001":{"vr":"OB","BulkDataURI":"http://x/00091001"},"00091002":{"vr":"OW","InlineBinary":"AQI="},"#
                + #""00400275":{"vr":"SQ","Value":[{},{"00091010":{"vr":"OB","BulkDataURI":"http://x/item"}}]}}"#)
        let contexts = seen.all
        #expect(contexts.count == 2)
        #expect(contexts[0].path == [])
        #expect(contexts[0].length == 2000 && contexts[0].valueOffset == 1234 && contexts[0].vr == .OB)
        #expect(contexts[1].path == [.init(tag: Tag(0x0040, 0x0275), itemIndex: 1)])
        #expect(contexts[1].tag == Tag(0x0009, 0x1010) && contexts[1].length == 100 && contexts[1].valueOffset == -1)

        // A nil URI falls back to InlineBinary; inlineAll never asks.
        let declining = DICOMJSONEncoder(bulkDataThreshold: 0) { _ in nil }
        #expect(
            try Self.one(Self.raw(0x0009, 0x1002, .OW, [1, 2]), declining)
                == #"{"00091002":{"vr":"OW","InlineBinary":"AQI="}}"#)
        let inlineAll = DICOMJSONEncoder(bulkDataThreshold: 0, bulkDataURI: { _ in "never" }, inlineAll: true)
        #expect(
            try Self.one(Self.raw(0x0009, 0x1002, .OW, [1, 2]), inlineAll)
                == #"{"00091002":{"vr":"OW","InlineBinary":"AQI="}}"#)
    }

    @Test func base64MatchesRFC4648Vectors() {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            var out: [UInt8] = []
            Array(plain.utf8).withUnsafeBytes { Base64.encode($0, into: &out) }
            #expect(String(decoding: out, as: UTF8.self) == encoded)
            #expect(Base64.decode(Array(encoded.utf8)) == Array(plain.utf8))
        }
        // Every byte value, every tail length.
        let all = (0..<256).map { UInt8($0) }
        for n in 250...256 {
            var out: [UInt8] = []
            Array(all.prefix(n)).withUnsafeBytes { Base64.encode($0, into: &out) }
            #expect(Base64.decode(out) == Array(all.prefix(n)))
        }
        #expect(Base64.decode(Array("Zm9".utf8)) == Array("fo".utf8))  // padding optional
        #expect(Base64.decode(Array("Zm9v!".utf8)) == nil)
        #expect(Base64.decode(Array("Z".utf8)) == nil)
        #expect(Base64.decode(Array("Zg=a".utf8)) == nil)
    }

    @Test func inlinesEncapsulatedAndBulkValuesFromTheSource() throws {
        // Source: 4 junk bytes, then an encapsulated value (empty offset table item + one fragment).
        var bytes: [UInt8] = [9, 9, 9, 9]
        bytes += [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0]  // Basic Offset Table item, length 0
        bytes += [0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0xAA, 0xBB, 0xCC, 0xDD]  // fragment
        bytes += [0x01, 0x02, 0x03, 0x04]  // a big-endian OW value at offset 24: 0x0102, 0x0304
        let source = BufferByteSource(bytes)
        let px = EncapsulatedPixelData(
            basicOffsetTable: [], fragments: [.init(offset: 20, length: 4)], frames: [0..<1], frameSource: .singleFrame,
            valueOffset: 4, valueLength: 20)
        let ds = DataSet([
            DataElement(
                tag: Tag(0x7FE0, 0x0010), vr: .OB, length: .undefined, value: .encapsulated(px), valueOffset: 4),
            DataElement(
                tag: Tag(0x0009, 0x1001), vr: .OW, length: Length(4),
                value: .bulkData(.init(offset: 24, length: 4, isLittleEndian: false)), valueOffset: 24),
            DataElement(
                tag: Tag(0x0009, 0x1002), vr: .US, length: Length(4), value: .bulkData(.init(offset: 24, length: 4)),
                valueOffset: 24),
        ])
        var expectedPixels: [UInt8] = []
        Array(bytes[4..<24]).withUnsafeBytes { Base64.encode($0, into: &expectedPixels) }
        #expect(
            try Self.json(ds, source: source)
                == #"{"00091001":{"vr":"OW","InlineBinary":"AgEEAw=="},"00091002":{"vr":"US","Value":[513,1027]},"#
                + #""7FE00010":{"vr":"OB","InlineBinary":""# + String(decoding: expectedPixels, as: UTF8.self) + #""}}"#
        )
        // Over the threshold, the encapsulated value is offered whole to the URI closure.
        let encoder = DICOMJSONEncoder(bulkDataThreshold: 10) { ctx in "px:\(ctx.valueOffset):\(ctx.length)" }
        let out = try Self.json(DataSet([ds[Tag(0x7FE0, 0x0010)]!]), encoder, source: source)
        #expect(out == #"{"7FE00010":{"vr":"OB","BulkDataURI":"px:4:20"}}"#)
        // Without a source, inlining a value left in the source is a typed error.
        #expect(
            Self.failure { () throws(DICOMJSONError) in _ = try DICOMJSONEncoder().encode(ds, source: nil) }?.code
                == .missingSource)
        // A source too short for the reference is a typed error, not a crash.
        let short = DataSet([
            DataElement(
                tag: Tag(0x0009, 0x1001), vr: .OB, length: Length(100), value: .bulkData(.init(offset: 20, length: 100))
            )
        ])
        #expect(
            Self.failure { () throws(DICOMJSONError) in _ = try DICOMJSONEncoder().encode(short, source: source) }?.code
                == .invalidValue)
    }

    // MARK: Decoder

    @Test func decodesValuesAsAWriterWould() throws {
        let json = #"""
            {"00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"\u5c71\u7530^\u592a\u90ce","Phonetic":"x"},{"Ideographic":"B"},null]},
             "00080016":{"vr":"UI","Value":["1.2.3"]},
             "00280010":{"vr":"US","Value":[512,1.0]},
             "00200013":{"vr":"IS","Value":[12.0,"7",null]},
             "00180050":{"vr":"DS","Value":[1.50,"abc"]},
             "00181318":{"vr":"FD","Value":["NaN",-1e300]},
             "00182030":{"vr":"FL","Value":[0.10000000149011612]},
             "00209165":{"vr":"AT","Value":["0010ABCD"]},
             "00189220":{"vr":"UV","Value":[18446744073709551615,"5"]},
             "7FE00010":{"vr":"OB","InlineBinary":"AQID"},
             "00204000":{"vr":"LT","Value":["smile \ud83d\ude00"]},
             "00081115":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2"]}},null]},
             "00100020":{"vr":"LO"},
             "00100030":{"vr":"DA","Value":null}}
            """#
        let ds = try DICOMJSONDecoder().decode(Array(json.utf8))
        func bytes(_ g: UInt16, _ e: UInt16) -> [UInt8] {
            ds[Tag(g, e)]?.bytes.map { Array($0.readableBytesView) } ?? []
        }
        #expect(bytes(0x0010, 0x0010) == Array("Yamada^Tarou=山田^太郎=x\\=B\\".utf8))
        #expect(bytes(0x0008, 0x0016) == Array("1.2.3\0".utf8))
        #expect(bytes(0x0028, 0x0010) == [0x00, 0x02, 0x01, 0x00])
        #expect(bytes(0x0020, 0x0013) == Array("12\\7\\ ".utf8))
        #expect(bytes(0x0018, 0x0050) == Array("1.50\\abc".utf8))
        #expect(ds[Tag(0x0018, 0x1318)]?.float64Values.first?.isNaN == true)
        #expect(ds[Tag(0x0018, 0x1318)]?.float64Values.last == -1e300)
        #expect(ds[Tag(0x0018, 0x2030)]?.float32Values == [Float(0.1)])
        #expect(ds[Tag(0x0020, 0x9165)]?.tagValues == [Tag(0x0010, 0xABCD)])
        #expect(ds[Tag(0x0018, 0x9220)]?.uint64Values == [UInt64.max, 5])
        #expect(bytes(0x7FE0, 0x0010) == [1, 2, 3, 0])
        #expect(bytes(0x0020, 0x4000) == Array("smile 😀".utf8))
        #expect(ds[Tag(0x0008, 0x1115)]?.items?.count == 2)
        #expect(ds[Tag(0x0008, 0x1115)]?.items?.first?[Tag(0x0008, 0x1150)]?.bytes == ByteBuffer(string: "1.2\0"))
        #expect(ds[Tag(0x0010, 0x0020)]?.bytes?.readableBytes == 0)
        #expect(ds[Tag(0x0010, 0x0030)]?.bytes?.readableBytes == 0)
        // Non-ASCII text, no charset given → ISO_IR 192 declared.
        #expect(bytes(0x0008, 0x0005) == Array("ISO_IR 192".utf8))
        // Elements come out sorted.
        #expect(ds.elements.map(\.tag) == ds.elements.map(\.tag).sorted())
    }

    @Test func declaresUTF8WhereNonASCIITextLands() throws {
        let json = #"""
            {"00080005":{"vr":"CS","Value":["ISO_IR 100"]},
             "0040A730":{"vr":"SQ","Value":[
                {"00080005":{"vr":"CS","Value":["ISO_IR 100"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"é"}]}},
                {"00100010":{"vr":"PN","Value":[{"Alphabetic":"plain"}]}}]}}
            """#
        let ds = try DICOMJSONDecoder().decode(Array(json.utf8))
        // Only the item that holds non-ASCII text and declares its own set changes.
        #expect(ds[.specificCharacterSet]?.bytes == ByteBuffer(string: "ISO_IR 100"))
        #expect(ds[Tag(0x0040, 0xA730)]?.items?[0][.specificCharacterSet]?.bytes == ByteBuffer(string: "ISO_IR 192"))
        let inherited =
            #"{"00080005":{"vr":"CS","Value":["ISO_IR 100"]},"0040A730":{"vr":"SQ","Value":[{"00100010":{"vr":"PN","Value":[{"Alphabetic":"é"}]}}]}}"#
        let ds2 = try DICOMJSONDecoder().decode(Array(inherited.utf8))
        #expect(ds2[.specificCharacterSet]?.bytes == ByteBuffer(string: "ISO_IR 192"))
    }

    @Test func resolvesBulkDataURIs() throws {
        let json = #"{"7FE00010":{"vr":"OW","BulkDataURI":"http://x/px"}}"#
        let error = Self.failure { () throws(DICOMJSONError) in _ = try DICOMJSONDecoder().decode(Array(json.utf8)) }
        #expect(error?.code == .bulkDataUnresolved && error?.offset == 37)
        let decoder = DICOMJSONDecoder { uri, tag, vr in
            #expect(uri == "http://x/px" && tag == Tag(0x7FE0, 0x0010) && vr == .OW)
            return .bulkData(BulkDataReference(offset: 100, length: 64))
        }
        let ds = try decoder.decode(Array(json.utf8))
        #expect(ds[Tag(0x7FE0, 0x0010)]?.length == Length(64))
        struct Failure: Error {}
        let failing = DICOMJSONDecoder { _, _, _ in throw Failure() }
        #expect(
            Self.failure { () throws(DICOMJSONError) in _ = try failing.decode(Array(json.utf8)) }?.code
                == .bulkDataUnresolved)
    }

    @Test func roundTripsEncodeDecodeEncode() throws {
        let ds = DataSet([
            Self.text(0x0008, 0x0005, .CS, "ISO_IR 192"),
            Self.text(0x0008, 0x0060, .CS, "CT\\\\MR"),
            Self.text(0x0010, 0x0010, .PN, "Yamada^Tarou=山田^太郎=やまだ^たろう\\=B"),
            Self.text(0x0018, 0x0050, .DS, "1\\2.5\\-3e-7\\abc"),
            Self.text(0x0020, 0x0013, .IS, "-12"),
            Self.raw(
                0x0018, 0x1318, .FD,
                Self.le([Double.nan.bitPattern, (0.1).bitPattern, Double.leastNonzeroMagnitude.bitPattern])),
            Self.raw(0x0018, 0x2030, .FL, Self.le([Float(0.1).bitPattern, Float.greatestFiniteMagnitude.bitPattern])),
            Self.raw(0x0018, 0x9220, .SV, Self.le([Int64.min, Int64.max])),
            Self.raw(0x0018, 0x9221, .UV, Self.le([UInt64.max])),
            Self.raw(0x0020, 0x9165, .AT, Self.le([UInt16(0x7FE0), 0x0010])),
            Self.raw(0x0028, 0x0010, .US, Self.le([UInt16.max])),
            Self.raw(0x0028, 0x0106, .SS, Self.le([Int16.min])),
            Self.text(0x0020, 0x4000, .LT, " quote\" \\ \t\n"),
            Self.raw(0x7FE0, 0x0010, .OW, (0..<64).map { UInt8($0) }),
            Self.raw(0x0009, 0x1001, .UN, []),
            DataElement(
                tag: Tag(0x0040, 0xA730),
                items: [
                    DataSet([
                        DataElement(
                            tag: Tag(0x0040, 0xA730), items: [DataSet([Self.text(0x0040, 0xA160, .UT, "deep")])])
                    ]),
                    DataSet(),
                ]),
        ])
        let first = try DICOMJSONEncoder().encode(ds, source: nil)
        let decoded = try DICOMJSONDecoder().decode(first)
        let second = try DICOMJSONEncoder().encode(decoded, source: nil)
        #expect(String(decoding: second, as: UTF8.self) == String(decoding: first, as: UTF8.self))
    }

    // MARK: Decoder: malformed input

    static let malformed: [(json: String, code: DICOMJSONError.Code, offset: Int)] = [
        (#"{"00100010":{"vr":"PN""#, .malformedJSON, 22),  // truncated
        (#"{"00100010":{"vr":"P\x"}}"#, .malformedJSON, 20),  // bad escape
        (#"{"00100010":{"vr":"\ud800"}}"#, .malformedJSON, 19),  // lone high surrogate
        (#"{"00100010":{"vr":"\udc00x"}}"#, .malformedJSON, 19),  // lone low surrogate
        (#"{"00100010":{"vr":"\u12G4"}}"#, .malformedJSON, 19),  // bad hex
        (#"{"00100010":{"vr":"PN",}}"#, .malformedJSON, 23),  // trailing comma
        (#"{"00280010":{"vr":"US","Value":[01]}}"#, .malformedJSON, 33),  // leading zero
        (#"{"00280010":{"vr":"US","Value":[1.]}}"#, .malformedJSON, 34),
        (#"{"00280010":{"vr":"US","Value":[-]}}"#, .malformedJSON, 33),
        (#"{"00280010":{"vr":"US","Value":[NaN]}}"#, .malformedJSON, 32),
        (#"{} x"#, .malformedJSON, 3),  // trailing data
        (#""#, .malformedJSON, 0),
        (#"{"a" 1}"#, .malformedJSON, 5),
        (#"{"00100010":{"vr":"PN","Value":[tru]}}"#, .malformedJSON, 32),
        (#"[]"#, .wrongType, 0),  // not an object
        (#"{"0010001":{"vr":"PN"}}"#, .invalidAttribute, 11),  // 7-digit key
        (#"{"0010001G":{"vr":"PN"}}"#, .invalidAttribute, 12),
        (#"{"00100010":{"vr":"XX"}}"#, .invalidAttribute, 12),  // unknown VR
        (#"{"00100010":{"Value":["a"]}}"#, .invalidAttribute, 12),  // no vr
        (#"{"00100010":[]}"#, .wrongType, 12),  // attribute not an object
        (#"{"00100010":{"vr":"PN","Value":"Doe"}}"#, .wrongType, 31),  // Value not an array
        (#"{"00100010":{"vr":"PN","Value":[42]}}"#, .wrongType, 32),
        (#"{"00100010":{"vr":"PN","Value":[{"Alphabetic":1}]}}"#, .wrongType, 46),
        (#"{"00280010":{"vr":"US","Value":["512"]}}"#, .wrongType, 32),
        (#"{"00280010":{"vr":"US","Value":[70000]}}"#, .invalidValue, 32),  // out of range
        (#"{"00280010":{"vr":"US","Value":[1.5]}}"#, .invalidValue, 32),
        (#"{"00280010":{"vr":"US","Value":[null]}}"#, .wrongType, 32),
        (#"{"00200013":{"vr":"IS","Value":[1.5]}}"#, .invalidValue, 32),
        (#"{"00080060":{"vr":"CS","Value":[true]}}"#, .wrongType, 32),
        (#"{"00209165":{"vr":"AT","Value":["(0010,0010)"]}}"#, .wrongType, 32),
        (#"{"00081115":{"vr":"SQ","Value":["x"]}}"#, .wrongType, 32),
        (#"{"7FE00010":{"vr":"OB","InlineBinary":"AQ!D"}}"#, .invalidValue, 38),
        (#"{"7FE00010":{"vr":"OB","InlineBinary":5}}"#, .wrongType, 38),
        (#"{"7FE00010":{"vr":"OB","Value":[1]}}"#, .wrongType, 32),
        (#"{"7FE00010":{"vr":"OB","InlineBinary":"AQID","BulkDataURI":"x"}}"#, .invalidAttribute, 12),
    ]

    @Test(arguments: 0..<DICOMJSONTests.malformed.count)
    func rejectsMalformedInputWithTypedErrors(_ index: Int) {
        let (json, code, offset) = Self.malformed[index]
        let error = Self.failure { () throws(DICOMJSONError) in _ = try DICOMJSONDecoder().decode(Array(json.utf8)) }
        #expect(error?.code == code, "\(json): \(String(describing: error))")
        #expect(error?.offset == offset, "\(json): \(String(describing: error))")
    }

    @Test func rejectsRawControlCharactersAndInvalidUTF8() {
        for bytes: [UInt8] in [
            Array(#"{"00100010":{"vr":"P"#.utf8) + [0x0A] + Array(#"N"}}"#.utf8),
            Array(#"{"00100010":{"vr":"PN","Value":[""#.utf8) + [0xC3, 0x28] + Array(#""]}}"#.utf8),
            Array(#"{"00100010":{"vr":"PN","Value":[""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]}}"#.utf8),
        ] {
            #expect(
                Self.failure { () throws(DICOMJSONError) in _ = try DICOMJSONDecoder().decode(bytes) }?.code
                    == .malformedJSON)
        }
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: 100_000)
        #expect(
            Self.failure { () throws(DICOMJSONError) in _ = try DICOMJSONDecoder().decode(Array(deep.utf8)) }?.code
                == .nestingTooDeep)
        // Nested sequences: 30 levels need 92 JSON levels; a limit of 64 refuses them.
        var ds = DataSet([Self.text(0x0040, 0xA160, .UT, "leaf")])
        for _ in 0..<30 { ds = DataSet([DataElement(tag: Tag(0x0040, 0xA730), items: [ds])]) }
        let json = try DICOMJSONEncoder().encode(ds, source: nil)
        #expect(try DICOMJSONDecoder().decode(json).count == 1)
        #expect(
            Self.failure { () throws(DICOMJSONError) in _ = try DICOMJSONDecoder(maxDepth: 64).decode(json) }?.code
                == .nestingTooDeep)
    }

    /// Never crash: every byte flip, deletion and duplication of a valid document either decodes
    /// or throws a `DICOMJSONError` (a deterministic LCG picks the mutations).
    @Test func survivesMutatedInput() throws {
        let ds = DataSet([
            Self.text(0x0010, 0x0010, .PN, "Yamada^Tarou=山田^太郎"),
            Self.text(0x0018, 0x0050, .DS, "1.5\\2"),
            Self.raw(0x0028, 0x0010, .US, Self.le([UInt16(512)])),
            Self.raw(0x0020, 0x9165, .AT, Self.le([UInt16(0x0010), 0x0010])),
            Self.raw(0x7FE0, 0x0010, .OW, [1, 2, 3, 4]),
            DataElement(tag: Tag(0x0008, 0x1115), items: [DataSet([Self.text(0x0008, 0x1150, .UI, "1.2")])]),
        ])
        let valid = try DICOMJSONEncoder().encode(ds, source: nil)
        let alphabet =
            Array(#"{}[]",:\u0123456789abcdefABCDEF-+.eEtrunlsvVRPNX "#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var decoded = 0
        for _ in 0..<3000 {
            var m = valid
            for _ in 0..<(1 + next(3)) {
                let i = next(m.count)
                switch next(3) {
                case 0: m[i] = alphabet[next(alphabet.count)]
                case 1: m.remove(at: i)
                default: m.insert(m[i], at: i)
                }
            }
            if (try? DICOMJSONDecoder().decode(m)) != nil { decoded += 1 }
        }
        #expect(decoded < 3000)
    }

    @Test func decodesArraysOfDataSets() throws {
        let sets = try DICOMJSONDecoder().decodeArray(Array(#"[{"00080060":{"vr":"CS","Value":["CT"]}},{}]"#.utf8))
        #expect(sets.count == 2 && sets[1].isEmpty)
    }

    // MARK: Real files

    /// Every pydicom test file that parses: the encoder does not throw, its output is JSON our
    /// parser accepts, and encode → decode → encode is a fixed point (byte-identical, apart from
    /// (0008,0005) becoming ISO_IR 192 and odd-length binary values gaining their padding byte).
    @Test func encodesPydicomFiles() throws {
        var encoded = 0
        let dumpDirectory = getenv("YINGYUN_JSON_DUMP_DIR").map { String(cString: $0) }
        for path in Fixtures.pydicomFiles {
            let bytes = try Fixtures.read(path)
            let original = BufferByteSource(bytes)
            guard let file = try? DICOMFile.parse(original) else { continue }
            let source = file.valueSource(original)
            let first = try DICOMJSONEncoder().encode(file.dataSet, source: source)
            _ = try JSONParser.parse(first)
            let decoded = try DICOMJSONDecoder().decode(first)
            let second = try DICOMJSONEncoder().encode(decoded, source: nil)
            let third = try DICOMJSONEncoder().encode(try DICOMJSONDecoder().decode(second), source: nil)
            #expect(second == third, "\(path)")
            encoded += 1
            if let dir = dumpDirectory {
                let name = path.split(separator: "/").suffix(2).joined(separator: "__")
                if let f = fopen(dir + "/" + name + ".json", "wb") {
                    _ = first.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
                    fclose(f)
                }
            }
        }
        if !Fixtures.pydicomFiles.isEmpty { #expect(encoded > 80) }
    }
}

/// Collects bulk data contexts from the `@Sendable` URI closure.
final class ContextLog: Sendable {
    private let contexts = Mutex<[BulkDataContext]>([])
    func append(_ c: BulkDataContext) { contexts.withLock { $0.append(c) } }
    var all: [BulkDataContext] { contexts.withLock { $0 } }
}
