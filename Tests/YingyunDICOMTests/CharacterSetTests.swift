import NIOCore
import Testing

@testable import YingyunDICOM

/// Expected strings come from pydicom 3.0.2 decoding its own charset_files (printed by
/// tools/charset-oracle.py), or, for the constructed Chinese vectors, from Python's codecs.
@Suite struct CharacterSetTests {
    // MARK: Helpers

    static func bytes(_ hex: String) -> ByteBuffer {
        var out: [UInt8] = []
        var chars = hex.makeIterator()
        while let hi = chars.next(), let lo = chars.next() {
            out.append(UInt8(String([hi, lo]), radix: 16)!)
        }
        return ByteBuffer(bytes: out)
    }

    static func decode(
        _ hex: String,
        _ terms: [String],
        vr: VR = .PN,
        options: CharacterSetOptions = .default
    ) -> (string: String, usedFallback: Bool) {
        SpecificCharacterSet(terms: terms).decodeReportingFallback(bytes(hex), vr: vr, options: options)
    }

    struct Vector: Sendable, CustomTestStringConvertible {
        var file: String
        var terms: [String]
        var vr: VR
        var hex: String
        var text: String
        var testDescription: String { file }
    }

    /// Raw bytes → pydicom's text, from pydicom's charset_files.
    static let pydicomVectors: [Vector] = [
        Vector(
            file: "chrArab PN", terms: ["ISO_IR 127"], vr: .PN,
            hex: "e2c8c7e6ea5ee4e6d2c7d120", text: "قباني^لنزار "),
        Vector(
            file: "chrFren PN", terms: ["ISO_IR 100"], vr: .PN,
            hex: "4275635e4ae972f46d65", text: "Buc^Jérôme"),
        Vector(
            file: "chrFrenMulti OtherPatientNames", terms: ["ISO_IR 100"], vr: .PN,
            hex: "4275635e4ae972f46d655c4275635e4ae972f46d6520", text: "Buc^Jérôme\\Buc^Jérôme "),
        Vector(
            file: "chrGerm PN", terms: ["ISO_IR 100"], vr: .PN,
            hex: "c46e6561735e52fc646967657220", text: "Äneas^Rüdiger "),
        Vector(
            file: "chrGreek PN", terms: ["ISO_IR 126"], vr: .PN,
            hex: "c4e9efedf5f3e9eff220", text: "Διονυσιος "),
        Vector(
            file: "chrHbrw PN", terms: ["ISO_IR 138"], vr: .PN,
            hex: "f9f8e5ef5ee3e1e5f8e4", text: "שרון^דבורה"),
        Vector(
            file: "chrRuss PN", terms: ["ISO_IR 144"], vr: .PN,
            hex: "bbeeda6365dcd17970d3", text: "Люкceмбypг"),
        Vector(
            file: "chrH31 PN", terms: ["", "ISO 2022 IR 87"], vr: .PN,
            hex:
                "59616d6164615e5461726f753d1b24423b3345441b28425e1b244242404f3a1b28423d1b24422464245e2440"
                + "1b28425e1b2442243f246d24261b2842",
            text: "Yamada^Tarou=山田^太郎=やまだ^たろう"),
        Vector(
            file: "chrH32 PN", terms: ["ISO 2022 IR 13", "ISO 2022 IR 87"], vr: .PN,
            hex:
                "d4cfc0de5ec0dbb33d1b24423b3345441b284a5e1b244242404f3a1b284a3d1b24422464245e24401b284a5e"
                + "1b2442243f246d24261b284a",
            text: "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"),
        Vector(
            file: "chrSQEncoding1 item PN", terms: ["ISO 2022 IR 13", "ISO 2022 IR 87"], vr: .PN,
            hex:
                "d4cfc0de5ec0dbb33d1b24423b3345441b28425e1b244242404f3a1b28423d1b24422464245e24401b28425e"
                + "1b2442243f246d24261b2842",
            text: "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"),
        Vector(
            file: "chrI2 PN", terms: ["", "ISO 2022 IR 149"], vr: .PN,
            hex: "486f6e675e47696c646f6e673d1b242943fbf35e1b242943d1ced4d73d1b242943c8ab5e1b242943b1e6b5bf",
            text: "Hong^Gildong=洪^吉洞=홍^길동"),
        Vector(
            file: "chrJapMulti OtherPatientNames", terms: ["", "ISO 2022 IR 87"], vr: .PN,
            hex:
                "1b24422464245e24401b28425e1b2442243f246d24261b28425c1b24422464245e24401b28425e"
                + "1b2442243f246d24261b284220",
            text: "やまだ^たろう\\やまだ^たろう "),
        Vector(
            file: "chrJapMultiExplicitIR6 LT", terms: ["ISO 2022 IR 6", "ISO 2022 IR 87"], vr: .LT,
            hex: "1b2442243f246d24261b2842", text: "たろう"),
        Vector(
            file: "chrKoreanMulti OtherPatientNames", terms: ["", "ISO 2022 IR 149"], vr: .PN,
            hex: "1b242943b1e8c8f1c1df1b28425c1b242943b1e8c8f1c1df1b284220", text: "김희중\\김희중 "),
        Vector(
            file: "chrX1 PN", terms: ["ISO_IR 192"], vr: .PN,
            hex: "57616e675e5869616f446f6e673de78e8b5ee5b08fe69db13d20", text: "Wang^XiaoDong=王^小東= "),
        // pydicom prints 'Wang^XiaoDong=王^小东' (it drops the empty trailing group); the raw text keeps "=".
        Vector(
            file: "chrX2 PN", terms: ["GB18030"], vr: .PN,
            hex: "57616e675e5869616f446f6e673dcdf55ed0a1b6ab3d", text: "Wang^XiaoDong=王^小东="),
    ]

    // MARK: pydicom's charset files

    @Test(arguments: pydicomVectors)
    func decodesLikePydicom(_ v: Vector) {
        let result = Self.decode(v.hex, v.terms, vr: v.vr)
        #expect(result.string == v.text)
        // Correctly labelled files never need a fallback: in particular no Latin-1 file is taken for GBK.
        #expect(result.usedFallback == false)
        // And strict mode gives the same text for them.
        #expect(Self.decode(v.hex, v.terms, vr: v.vr, options: .strict).string == v.text)
    }

    @Test func splitsJapanesePersonNameIntoGroups() {
        let cs = SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"])
        let name = PersonName(
            decoding: Self.bytes(Self.pydicomVectors[7].hex), characterSet: cs)
        let expected = PersonName(alphabetic: "Yamada^Tarou", ideographic: "山田^太郎", phonetic: "やまだ^たろう")
        #expect(name == expected)
        #expect(PersonName.components(of: name.ideographic) == ["山田", "太郎"])
        #expect(name.description == "Yamada^Tarou=山田^太郎=やまだ^たろう")
    }

    @Test func splitsMultiValuedISO2022PersonNamesAfterDecoding() {
        let names = PersonName.values(
            decoding: Self.bytes("1b242943b1e8c8f1c1df1b28425c1b242943b1e8c8f1c1df1b284220"),
            characterSet: SpecificCharacterSet(terms: ["", "ISO 2022 IR 149"]))
        #expect(names == [PersonName(alphabetic: "김희중"), PersonName(alphabetic: "김희중")])
    }

    @Test func keepsEmptyPersonNameGroups() {
        #expect(PersonName("=山田^太郎") == PersonName(ideographic: "山田^太郎"))
        #expect(PersonName("Wang^XiaoDong=王^小东=") == PersonName("Wang^XiaoDong=王^小东"))
        #expect(PersonName("==やまだ").phonetic == "やまだ")
        #expect(PersonName("==やまだ").description == "==やまだ")
        #expect(PersonName("Wang^XiaoDong=王^小东=").description == "Wang^XiaoDong=王^小东")
        #expect(PersonName.splitValues("A^B\\\\C ") == ["A^B", "", "C"])
        #expect(PersonName.splitValues("  ").isEmpty)
    }

    // MARK: Chinese

    @Test func decodesGB18030PersonName() {
        let r = Self.decode("d5c55eceb0", ["GB18030"])
        #expect(r.string == "张^伟")
        #expect(r.usedFallback == false)
        let name = PersonName(decoding: Self.bytes("d5c55eceb0"), characterSet: .gb18030)
        #expect(PersonName.components(of: name.alphabetic) == ["张", "伟"])
    }

    @Test func doesNotSplitOnGB18030TrailByte5C() {
        // 乗 is 0x81 0x5C: its trail byte is the "\" delimiter byte. Value: 张三乗\李四.
        let element = DataElement(tag: Tag(0x0008, 0x1030), vr: .LO, bytes: Self.bytes("d5c5c8fd815c5cc0eecbc4"))
        #expect(element.stringValues(characterSet: .gb18030) == ["张三乗", "李四"])
        #expect(element.stringValues(characterSet: SpecificCharacterSet(terms: ["GBK"])) == ["张三乗", "李四"])
        // Undeclared, the fallback decodes the whole value before splitting too.
        #expect(element.stringValues(characterSet: .default) == ["张三乗", "李四"])
    }

    @Test func recoversGBKDeclaredAsLatin1() {
        let r = Self.decode("cdf5d0a1b6ab", ["ISO_IR 100"])
        #expect(r.string == "王小东")
        #expect(r.usedFallback)
        let pn = Self.decode("d5c55eceb0", ["ISO_IR 100"])
        #expect(pn.string == "张^伟")
        #expect(pn.usedFallback)
    }

    @Test func doesNotTakeLatin1WordsForGB2312() {
        // Two accented letters in a row pair up like a GB 2312 hanzi (Ç Ã = C7 C3): inside a word
        // they are Latin-1.
        for (hex, text) in [
            ("46554ec7c34f", "FUNÇÃO"), ("46756ee7e36f", "Função"), ("6372e9e965", "créée"),
            ("494e464f524d41c7d5455320444f204558414d45", "INFORMAÇÕES DO EXAME"),
        ] {
            #expect(Self.decode(hex, ["ISO_IR 100"], vr: .LO) == (text, false))
            // Undeclared, GB18030 is skipped for them and Latin-1 ends the list.
            #expect(Self.decode(hex, [], vr: .LO) == (text, true))
        }
    }

    @Test func recoversUndeclaredGBKAndUTF8() {
        let gbk = Self.decode("d5c55eceb0", [])
        #expect(gbk == ("张^伟", true))
        let utf8 = Self.decode("e5bca05ee4bc9f", [])
        #expect(utf8 == ("张^伟", true))
        // "ISO_IR 6" is the default repertoire too.
        #expect(Self.decode("d5c55eceb0", ["ISO_IR 6"]).string == "张^伟")
        // A fallback list without GB18030 ends in Latin-1.
        let latin1Only = CharacterSetOptions(undeclaredFallbacks: [.latin1])
        #expect(Self.decode("4ae972f46d65", [], options: latin1Only) == ("Jérôme", true))
    }

    @Test func recoversMislabelledUTF8() {
        // UTF-8 declared as ISO_IR 100.
        #expect(Self.decode("e5bca05ee4bc9f", ["ISO_IR 100"]) == ("张^伟", true))
        // GBK declared as UTF-8.
        #expect(Self.decode("d5c55eceb0", ["ISO_IR 192"]) == ("张^伟", true))
    }

    @Test func strictModeUsesOnlyTheDeclaredCharacterSet() {
        let undeclared = Self.decode("d5c55eceb0", [], options: .strict)
        #expect(undeclared == ("\u{FFFD}\u{FFFD}^\u{FFFD}\u{FFFD}", false))
        let latin1 = Self.decode("d5c55eceb0", ["ISO_IR 100"], options: .strict)
        #expect(latin1 == ("ÕÅ^Î°", false))
        let utf8 = Self.decode("d5c55eceb0", ["ISO_IR 192"], options: .strict)
        #expect(utf8.usedFallback == false)
        #expect(utf8.string.contains("\u{FFFD}"))
        #expect(CharacterSetOptions.strict.isStrict)
        #expect(!CharacterSetOptions.default.isStrict)
    }

    @Test func replacesInvalidGB18030BytesWithoutDroppingTheValue() {
        // 0xFF is never valid in GB18030; a lone lead byte at the end is incomplete.
        let r = Self.decode("d5c5ff41d5", ["GB18030"])
        #expect(r.string == "张\u{FFFD}A\u{FFFD}")
    }

    @Test func decodesISO2022IR58Chinese() {
        let r = Self.decode(
            "57616e675e5869616f446f6e673d1b242941cdf55e1b242941d0a1b6ab3d", ["", "ISO 2022 IR 58"])
        #expect(r == ("Wang^XiaoDong=王^小东=", false))
    }

    // MARK: ISO 2022 details

    @Test func decodesJISX0212() {
        // ESC $ ( D, 0x30 0x21 (丂), ESC ( B; oracle: pydicom.
        #expect(Self.decode("1b2428443021" + "1b2842", ["", "ISO 2022 IR 159"]).string == "丂")
    }

    @Test func jisX0208RunKeepsDelimiterBytesAsCharacterHalves() {
        // 0x24 0x5E is ま in JIS X 0208: the 0x5E is not a PN component delimiter.
        #expect(Self.decode("1b2442245e1b2842", ["", "ISO 2022 IR 87"]).string == "ま")
    }

    @Test func resetsDesignationAtDelimiters() {
        // ['', 'ISO 2022 IR 100']: ESC - A é \ é — the second é comes after the value delimiter,
        // where G1 is back to the initial state (none): the writer should have re-designated.
        let hex = "1b2d41e95ce9"
        #expect(Self.decode(hex, ["", "ISO 2022 IR 100"], vr: .LO) == ("é\\é", true))
        #expect(Self.decode(hex, ["", "ISO 2022 IR 100"], vr: .LO, options: .strict) == ("é\\\u{FFFD}", false))
        // LT has one value: "\" is a character there and does not reset.
        #expect(Self.decode(hex, ["", "ISO 2022 IR 100"], vr: .LT, options: .strict) == ("é\\é", false))
        // CR LF resets for text VRs.
        #expect(
            Self.decode("1b2d41e90d0ae9", ["", "ISO 2022 IR 100"], vr: .LT, options: .strict)
                == ("é\r\n\u{FFFD}", false))
        // "=" resets in PN.
        #expect(
            Self.decode("1b2d41e93de9", ["", "ISO 2022 IR 100"], vr: .PN, options: .strict)
                == ("é=\u{FFFD}", false))
        // A single-byte value 1 stays designated after a reset.
        #expect(Self.decode("e95ce9", ["ISO 2022 IR 100"], vr: .LO, options: .strict) == ("é\\é", false))
    }

    @Test func recoversMissingKoreanEscapeSequence() {
        // KS X 1001 bytes of 김희중 with no ESC $ ) C before them.
        #expect(Self.decode("b1e8c8f1c1df", ["", "ISO 2022 IR 149"]) == ("김희중", true))
        #expect(Self.decode("b1e8c8f1c1df", ["", "ISO 2022 IR 149"], options: .strict).string.contains("\u{FFFD}"))
    }

    @Test func honoursEscapesWithoutDeclaredCharacterSet() {
        let hex = "1b2442243f246d24261b2842"
        #expect(Self.decode(hex, [], vr: .LO) == ("たろう", true))
    }

    @Test func decodesOtherSingleByteSets() {
        #expect(Self.decode("c761f072fd", ["ISO_IR 148"], vr: .LO).string == "Çağrı")
        #expect(Self.decode("cac7d1cab4d5", ["ISO_IR 166"], vr: .LO).string == "สวัสดี")
        #expect(Self.decode("a3f364bc", ["ISO_IR 101"], vr: .LO).string == "Łódź")
        #expect(Self.decode("1b2d4cbbeeda", ["", "ISO 2022 IR 144"], vr: .LO).string == "Люк")
        // JIS X 0201 alone: katakana in GR.
        #expect(Self.decode("d4cfc0de", ["ISO_IR 13"]).string == "ﾔﾏﾀﾞ")
    }

    // MARK: Terms

    @Test func parsesSpecificCharacterSetValue() {
        #expect(SpecificCharacterSet(parsing: "\\ISO 2022 IR 87 ").terms == ["", "ISO 2022 IR 87"])
        #expect(SpecificCharacterSet(parsing: "ISO_IR 100 ").terms == ["ISO_IR 100"])
        #expect(SpecificCharacterSet(parsing: "").terms == [])
        let element = DataElement(
            tag: .specificCharacterSet, vr: .CS, bytes: ByteBuffer(string: "ISO 2022 IR 13\\ISO 2022 IR 87 "))
        let cs = SpecificCharacterSet(element: element)
        #expect(cs.terms == ["ISO 2022 IR 13", "ISO 2022 IR 87"])
        #expect(cs.usesCodeExtensions)
        #expect(SpecificCharacterSet(element: nil) == .default)
        #expect(SpecificCharacterSet(terms: ["ISO_IR 999"]).unrecognizedTerms == ["ISO_IR 999"])
        #expect(!SpecificCharacterSet(terms: ["ISO_IR 13"]).usesCodeExtensions)
        #expect(!SpecificCharacterSet.gb18030.usesCodeExtensions)
        #expect(cs.description == "ISO 2022 IR 13\\ISO 2022 IR 87")
        #expect(SpecificCharacterSet.default.description == "ISO_IR 6")
    }

    @Test func toleratesCommonMisspellings() {
        #expect(Self.decode("4ae972f46d65", ["ISO-IR 100"], vr: .LO).string == "Jérôme")
        #expect(Self.decode("4ae972f46d65", ["ISO_IR100"], vr: .LO).string == "Jérôme")
        #expect(Self.decode("d5c55eceb0", ["GB2312"]) == ("张^伟", false))
    }

    @Test func asciiFastPathIsUnchanged() {
        #expect(Self.decode("48333145584150504c45", ["", "ISO 2022 IR 87"], vr: .LO) == ("H31EXAPPLE", false))
        #expect(Self.decode("", ["GB18030"]) == ("", false))
    }

    // MARK: Encoding

    @Test func encodesSupportedCharacterSets() {
        #expect(
            SpecificCharacterSet.latin1.encode("Buc^Jérôme", vr: .PN)
                == Array(Self.bytes("4275635e4ae972f46d65").readableBytesView))
        #expect(SpecificCharacterSet.gb18030.encode("张^伟", vr: .PN) == [0xD5, 0xC5, 0x5E, 0xCE, 0xB0])
        let gbk = SpecificCharacterSet(terms: ["GBK"])
        #expect(gbk.encode("王小东", vr: .PN) == [0xCD, 0xF5, 0xD0, 0xA1, 0xB6, 0xAB])
        #expect(SpecificCharacterSet.utf8.encode("张^伟", vr: .PN) == Array("张^伟".utf8))
        #expect(SpecificCharacterSet(terms: ["ISO_IR 144"]).encode("Люк", vr: .PN) == [0xBB, 0xEE, 0xDA])
        #expect(SpecificCharacterSet(terms: ["ISO_IR 13"]).encode("ﾔﾏﾀﾞ", vr: .PN) == [0xD4, 0xCF, 0xC0, 0xDE])
        #expect(SpecificCharacterSet.default.encode("ASCII", vr: .LO) == Array("ASCII".utf8))
    }

    @Test func refusesUnrepresentableText() {
        #expect(SpecificCharacterSet.default.encode("Jérôme", vr: .PN) == nil)
        #expect(SpecificCharacterSet.latin1.encode("张", vr: .PN) == nil)
        #expect(SpecificCharacterSet(terms: ["", "ISO 2022 IR 87"]).encode("山田", vr: .PN) == nil)
    }

    @Test func roundTripsGB18030OutsideTheBMP() {
        let text = "𠀀^伟"  // U+20000 needs a four-byte GB18030 sequence
        let encoded = SpecificCharacterSet.gb18030.encode(text, vr: .PN)
        #expect(encoded?.count == 7)
        let decoded = encoded.map { SpecificCharacterSet.gb18030.decode(ByteBuffer(bytes: $0), vr: .PN) }
        #expect(decoded == text)
    }

    // MARK: Concurrency

    @Test func decodesConcurrently() async {
        let vectors = Self.pydicomVectors
        let failures = await withTaskGroup(of: Int.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var failures = 0
                    for k in 0..<200 {
                        let v = vectors[(t + k) % vectors.count]
                        if Self.decode(v.hex, v.terms, vr: v.vr).string != v.text { failures += 1 }
                        if Self.decode("d5c55eceb0", ["ISO_IR 100"]).string != "张^伟" { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
