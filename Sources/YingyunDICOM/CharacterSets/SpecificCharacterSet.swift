public import NIOCore

/// The character repertoires declared by Specific Character Set (0008,0005), PS3.5 §6.1 and
/// PS3.3 C.12.1.1.2, and how to turn value bytes into text and back.
///
/// Supported: the default repertoire (ISO-IR 6); ISO_IR 100, 101, 109, 110, 144, 126, 127, 138, 148,
/// 166 and 13; ISO_IR 192 (UTF-8); GB18030; GBK; and ISO 2022 code extensions with ISO 2022 IR 6,
/// 100, 101, 109, 110, 144, 126, 127, 138, 148, 166, 13, 87, 159, 149 and 58 (PS3.5 §6.1.2.5).
///
/// Always decode a whole element value and split the *text* into values afterwards: in GB18030 and
/// GBK the second byte of a two-byte character may be 0x5C, the byte of the "\" delimiter.
/// Values whose bytes are all ASCII (the common case) are returned without any conversion.
/// Mislabelled text (GBK declared as nothing or as ISO_IR 100, ...) is recovered as
/// ``CharacterSetOptions`` describes.
public struct SpecificCharacterSet: Sendable, Hashable, CustomStringConvertible {
    /// The defined terms as found in (0008,0005), e.g. ["", "ISO 2022 IR 87"].
    public var terms: [String] {
        didSet { plan = DecodingPlan(terms: terms) }
    }

    /// Worked out from `terms` once, not at every decode.
    private(set) var plan: DecodingPlan

    /// The default repertoire (ISO-IR 6): no (0008,0005).
    public static let `default` = SpecificCharacterSet(terms: [])
    /// ISO_IR 100 (ISO 8859-1, Latin alphabet No. 1).
    public static let latin1 = SpecificCharacterSet(terms: ["ISO_IR 100"])
    /// ISO_IR 192 (UTF-8).
    public static let utf8 = SpecificCharacterSet(terms: ["ISO_IR 192"])
    /// GB18030.
    public static let gb18030 = SpecificCharacterSet(terms: ["GB18030"])

    /// - Parameter terms: The values of (0008,0005); an empty array is the default repertoire.
    public init(terms: [String]) {
        self.terms = terms
        self.plan = DecodingPlan(terms: terms)
    }

    /// Parses the raw text of (0008,0005): values separated by "\", padding spaces removed.
    /// An empty value 1 is kept (it means ISO 2022 IR 6 when other values follow).
    /// - Parameter value: The value as read, e.g. `"\\ISO 2022 IR 87 "`.
    public init(parsing value: String) {
        var terms = value.split(separator: "\\", omittingEmptySubsequences: false).map { term in
            String(term.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " || $0 == "\0" }).reversed())
        }
        while terms.count > 1, terms.last == "" { terms.removeLast() }
        if terms == [""] { terms = [] }
        self.init(terms: terms)
    }

    /// The character set an element (0008,0005) declares; the default repertoire when there is none.
    ///
    /// A sequence item may carry its own (0008,0005); when it does not, the character set of the
    /// enclosing data set applies (nested data sets, PS3.5 §7.5): keep the parent's set in that case.
    /// - Parameter element: The Specific Character Set element, or nil.
    public init(element: DataElement?) {
        guard let bytes = element?.bytes, bytes.readableBytes > 0 else {
            self.init(terms: [])
            return
        }
        // The common single values are answered without parsing: every QIDO/metadata answer
        // declares ISO_IR 192, and building the decoding plan costs more than encoding the rest.
        if Self.isUTF8Declaration(bytes) {
            self = .utf8
            return
        }
        // The value is CS (the default repertoire), so bytes map to characters one to one.
        self.init(parsing: String(decoding: bytes.readableBytesView, as: UTF8.self))
    }

    /// "ISO_IR 192" with optional trailing padding.
    private static func isUTF8Declaration(_ bytes: ByteBuffer) -> Bool {
        let v = bytes.readableBytesView
        let expected: [UInt8] = Array("ISO_IR 192".utf8)
        guard v.count >= expected.count, v.count <= expected.count + 2 else { return false }
        guard v.prefix(expected.count).elementsEqual(expected) else { return false }
        return v.dropFirst(expected.count).allSatisfy { $0 == 0x20 || $0 == 0 }
    }

    /// Terms this implementation does not know; they are treated as the default repertoire, which
    /// a parser should report as a warning.
    public var unrecognizedTerms: [String] {
        terms.filter { DefinedTerm.parse($0) == nil }
    }

    /// Whether values may contain ISO 2022 escape sequences (PS3.5 §6.1.2.5): (0008,0005) has
    /// several values or an "ISO 2022 ..." term, and none of ISO_IR 192, GB18030 or GBK.
    public var usesCodeExtensions: Bool {
        guard case .codeExtensions = plan else { return false }
        return terms.count > 1 || terms.contains { DefinedTerm.parse($0)?.isISO2022 == true }
    }

    /// Decodes the whole value of a text element (all values, backslashes kept) to a Swift string.
    /// Never fails: bytes that fit no repertoire go through `options`, then become U+FFFD.
    /// - Parameters:
    ///   - bytes: The value bytes, padding included.
    ///   - vr: The element's VR: it says which delimiters reset ISO 2022 designations.
    ///   - options: The fallbacks for mislabelled text.
    /// - Returns: The text.
    public func decode(_ bytes: ByteBuffer, vr: VR, options: CharacterSetOptions = .default) -> String {
        decodeReportingFallback(bytes, vr: vr, options: options).string
    }

    /// Decodes like ``decode(_:vr:options:)`` and also says whether a fallback of `options` was used,
    /// i.e. whether the bytes did not fit the declared character set, so the caller can warn.
    /// - Parameters:
    ///   - bytes: The value bytes, padding included.
    ///   - vr: The element's VR.
    ///   - options: The fallbacks for mislabelled text.
    /// - Returns: The text and whether a fallback produced it.
    public func decodeReportingFallback(
        _ bytes: ByteBuffer,
        vr: VR,
        options: CharacterSetOptions = .default
    ) -> (string: String, usedFallback: Bool) {
        bytes.withUnsafeReadableBytes { decode($0, vr: vr, options: options) }
    }

    /// Decodes raw bytes; see ``decodeReportingFallback(_:vr:options:)``.
    /// - Parameters:
    ///   - bytes: The value bytes, padding included.
    ///   - vr: The element's VR.
    ///   - options: The fallbacks for mislabelled text.
    /// - Returns: The text and whether a fallback produced it.
    public func decodeReportingFallback(
        _ bytes: [UInt8],
        vr: VR,
        options: CharacterSetOptions = .default
    ) -> (string: String, usedFallback: Bool) {
        bytes.withUnsafeBytes { decode($0, vr: vr, options: options) }
    }

    func decode(_ p: UnsafeRawBufferPointer, vr: VR, options: CharacterSetOptions) -> (
        string: String, usedFallback: Bool
    ) {
        let scan = ByteScan(p)
        if !scan.hasHighBytes && !scan.hasEscape {
            return (String(decoding: p, as: UTF8.self), false)
        }
        switch plan {
        case .defaultRepertoire:
            if scan.hasEscape && options.recoversCodeExtensions {
                // Escape sequences with nothing declared: a writer that forgot (0008,0005).
                let decoded = ISO2022Decoder(context: CodeExtensionContext(), vr: vr, options: options).decode(p)
                return (decoded.string, true)
            }
            if !scan.hasHighBytes { return (String(decoding: p, as: UTF8.self), false) }
            if let text = FallbackDecoder.firstStrict(p, among: options.undeclaredFallbacks) {
                return (text, true)
            }
            return (Self.asciiReplacingHighBytes(p), false)

        case .singleByte(let set):
            if !scan.hasHighBytes { return (String(decoding: p, as: UTF8.self), false) }
            if set == .isoIR100 {
                for encoding in options.latin1Overrides {
                    if let text = FallbackDecoder.latin1Override(p, as: encoding) { return (text, true) }
                }
            }
            return (Self.decodeSingleByte(p, set: set), false)

        case .utf8:
            if let text = String(validating: p, as: UTF8.self) { return (text, false) }
            if let text = FallbackDecoder.firstStrict(p, among: options.invalidUTF8Fallbacks) {
                return (text, true)
            }
            return (String(decoding: p, as: UTF8.self), false)  // ill-formed sequences become U+FFFD

        case .gb18030, .gbk:
            var out: [UInt8] = []
            out.reserveCapacity(p.count * 2)
            let name = plan == .gbk ? "GBK" : "GB18030"
            if Iconv.decode(p, from: name, into: &out) == nil {
                return (Self.asciiReplacingHighBytes(p), false)
            }
            return (String(decoding: out, as: UTF8.self), false)

        case .codeExtensions(let context):
            return ISO2022Decoder(context: context, vr: vr, options: options).decode(p)
        }
    }

    /// Encodes text in this character set, for writers.
    ///
    /// Supported: the default repertoire, the single-byte sets (alone, or as the only set of an
    /// ISO 2022 declaration, written without escape sequences), ISO_IR 13 katakana, UTF-8, GB18030 and
    /// GBK. Writing ISO 2022 multi-byte code extensions is not supported: pure ASCII text is returned
    /// as is, anything else gives nil.
    /// - Parameters:
    ///   - string: The text, without padding.
    ///   - vr: The element's VR.
    /// - Returns: The bytes, or nil when a character is not representable.
    public func encode(_ string: String, vr: VR) -> [UInt8]? {
        let utf8 = Array(string.utf8)
        if utf8.allSatisfy({ $0 < 0x80 }) { return utf8 }
        switch plan {
        case .defaultRepertoire:
            return nil
        case .utf8:
            return utf8
        case .gb18030:
            return Iconv.encode(utf8, to: "GB18030")
        case .gbk:
            return Iconv.encode(utf8, to: "GBK")
        case .singleByte(let set):
            return Self.encodeG1(string, set: .singleByte(set))
        case .codeExtensions(let context):
            // Without escape sequences only the initial G1 set can be used, and only when no other
            // set is declared that the text might have needed.
            guard let g1 = context.initialG1, terms.count <= 1 || g1 == .katakana else { return nil }
            return Self.encodeG1(string, set: g1)
        }
    }

    private static func encodeG1(_ string: String, set: G1Set) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                out.append(UInt8(v))
                continue
            }
            switch set {
            case .singleByte(let sbs):
                guard v <= 0xFFFF, let byte = sbs.encodingTable[UInt16(v)] else { return nil }
                out.append(byte)
            case .katakana:
                guard (0xFF61...0xFF9F).contains(v) else { return nil }
                out.append(UInt8(v - 0xFF61 + 0xA1))
            case .ksX1001, .gb2312:
                return nil
            }
        }
        return out
    }

    private static func decodeSingleByte(_ p: UnsafeRawBufferPointer, set: SingleByteSet) -> String {
        let table = set.upperHalf
        var out: [UInt8] = []
        out.reserveCapacity(p.count * 2)
        for b in p {
            if b < 0x80 {
                out.append(b)
            } else if table[Int(b) - 0x80] != 0 {
                appendUTF8(UInt32(table[Int(b) - 0x80]), to: &out)
            } else {
                out.append(contentsOf: replacementCharacterUTF8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func asciiReplacingHighBytes(_ p: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(p.count)
        for b in p {
            if b < 0x80 { out.append(b) } else { out.append(contentsOf: replacementCharacterUTF8) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The terms as (0008,0005) encodes them, e.g. `\ISO 2022 IR 87`; "ISO_IR 6" for the default.
    public var description: String {
        terms.isEmpty ? "ISO_IR 6" : terms.joined(separator: "\\")
    }

    public static func == (lhs: SpecificCharacterSet, rhs: SpecificCharacterSet) -> Bool {
        lhs.terms == rhs.terms
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(terms)
    }
}
