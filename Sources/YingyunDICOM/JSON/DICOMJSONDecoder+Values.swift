import NIOCore

/// JSON "Value" arrays back to value bytes (PS3.18 §F.2.3 in reverse, PS3.5 §6.2 encodings).
extension DICOMJSONDecoder {
    static func encodeValues(_ entries: [JSONValue], vr: VR, tag: Tag, into out: inout ByteBuffer)
        throws(DICOMJSONError)
    {
        switch vr {
        case .US: for e in entries { out.writeInteger(try integer(e, UInt16.self, tag: tag), endianness: .little) }
        case .SS: for e in entries { out.writeInteger(try integer(e, Int16.self, tag: tag), endianness: .little) }
        case .UL: for e in entries { out.writeInteger(try integer(e, UInt32.self, tag: tag), endianness: .little) }
        case .SL: for e in entries { out.writeInteger(try integer(e, Int32.self, tag: tag), endianness: .little) }
        case .SV: for e in entries { out.writeInteger(try integer(e, Int64.self, tag: tag), endianness: .little) }
        case .UV: for e in entries { out.writeInteger(try integer(e, UInt64.self, tag: tag), endianness: .little) }
        case .FL:
            for e in entries { out.writeInteger(Float(try double(e, tag: tag)).bitPattern, endianness: .little) }
        case .FD:
            for e in entries { out.writeInteger(try double(e, tag: tag).bitPattern, endianness: .little) }
        case .AT:
            for e in entries {
                guard case .string(let s) = e.kind, let t = DICOMJSONDecoder.tag(fromKey: s) else {
                    throw DICOMJSONError(
                        code: .wrongType, offset: e.offset, tag: tag,
                        message: "an AT value must be an 8-digit hex string")
                }
                out.writeInteger(t.group, endianness: .little)
                out.writeInteger(t.element, endianness: .little)
            }
        case .PN:
            for (i, e) in entries.enumerated() {
                if i > 0 { out.writeInteger(UInt8(ascii: "\\")) }
                try writePersonName(e, tag: tag, into: &out)
            }
        case .IS, .DS:
            for (i, e) in entries.enumerated() {
                if i > 0 { out.writeInteger(UInt8(ascii: "\\")) }
                switch e.kind {
                case .null: break
                case .string(let s): out.writeString(s)
                case .number(let text):
                    if vr == .IS, !isPlainInteger(text) {
                        // "12.0" or "1.2e1": IS holds integers only (PS3.5 Table 6.2-1).
                        guard let d = Double(text), d == d.rounded(.towardZero), abs(d) < 9.2e18 else {
                            throw DICOMJSONError(
                                code: .invalidValue, offset: e.offset, tag: tag,
                                message: "IS value \(text) is not an integer")
                        }
                        out.writeString(String(Int64(d)))
                    } else {
                        out.writeString(text)
                    }
                default:
                    throw DICOMJSONError(
                        code: .wrongType, offset: e.offset, tag: tag,
                        message: "an \(vr) value must be a number or a string, found \(e.typeName)")
                }
            }
        default:
            guard vr.isString else {
                throw DICOMJSONError(
                    code: .wrongType, offset: entries.first?.offset ?? 0, tag: tag,
                    message: "\(vr) values are given as \"InlineBinary\" or \"BulkDataURI\", not \"Value\"")
            }
            for (i, e) in entries.enumerated() {
                if i > 0 { out.writeInteger(UInt8(ascii: "\\")) }
                switch e.kind {
                case .null: break
                case .string(let s): out.writeString(s)
                default:
                    throw DICOMJSONError(
                        code: .wrongType, offset: e.offset, tag: tag,
                        message: "an \(vr) value must be a string, found \(e.typeName)")
                }
            }
        }
    }

    private static func isPlainInteger(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
    }

    /// An integer of type `T` from a JSON number (or, for SV/UV, a string, §F.2.3); integral
    /// numbers written with a fraction or exponent are accepted when exact.
    private static func integer<T: FixedWidthInteger>(_ e: JSONValue, _: T.Type, tag: Tag) throws(DICOMJSONError) -> T {
        let text: String
        switch e.kind {
        case .number(let t): text = t
        case .string(let t) where T.bitWidth == 64: text = t.trimmingSpaces  // SV, UV
        default:
            throw DICOMJSONError(
                code: .wrongType, offset: e.offset, tag: tag, message: "an integer was expected, found \(e.typeName)")
        }
        if let v = T(text) { return v }
        if let d = Double(text), d.isFinite, d == d.rounded(.towardZero), let v = T(exactly: d) { return v }
        throw DICOMJSONError(
            code: .invalidValue, offset: e.offset, tag: tag, message: "\(text) is not a \(T.self) value")
    }

    private static func double(_ e: JSONValue, tag: Tag) throws(DICOMJSONError) -> Double {
        switch e.kind {
        case .number(let t):
            if let d = Double(t) { return d }
        case .string(let t):
            switch t.trimmingSpaces {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            case let s:
                if s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || "+-.eE".utf8.contains($0) }), let d = Double(s) {
                    return d
                }
            }
        default:
            throw DICOMJSONError(
                code: .wrongType, offset: e.offset, tag: tag, message: "a number was expected, found \(e.typeName)")
        }
        throw DICOMJSONError(code: .invalidValue, offset: e.offset, tag: tag, message: "not a floating point value")
    }

    /// {"Alphabetic", "Ideographic", "Phonetic"} → "A=I=P", trailing empty groups dropped
    /// (PS3.5 §6.2.1.1).
    private static func writePersonName(_ e: JSONValue, tag: Tag, into out: inout ByteBuffer) throws(DICOMJSONError) {
        switch e.kind {
        case .null: return
        case .string(let s):
            out.writeString(s)
        case .object:
            var groups: [String] = []
            for key in ["Alphabetic", "Ideographic", "Phonetic"] {
                guard let g = e.member(key) else {
                    groups.append("")
                    continue
                }
                switch g.kind {
                case .null: groups.append("")
                case .string(let s): groups.append(s)
                default:
                    throw DICOMJSONError(
                        code: .wrongType, offset: g.offset, tag: tag,
                        message: "PN \"\(key)\" must be a string, found \(g.typeName)")
                }
            }
            while let last = groups.last, last.isEmpty { groups.removeLast() }
            for (i, g) in groups.enumerated() {
                if i > 0 { out.writeInteger(UInt8(ascii: "=")) }
                out.writeString(g)
            }
        default:
            throw DICOMJSONError(
                code: .wrongType, offset: e.offset, tag: tag,
                message: "a PN value must be an object, found \(e.typeName)")
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
