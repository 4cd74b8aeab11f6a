import NIOCore

/// The "Value" array of primitive attributes (PS3.18 §F.2.3, §F.2.4, §F.2.5).
extension EncodingRun {
    mutating func writeValue(_ e: DataElement, _ b: ByteBuffer, charset: SpecificCharacterSet) {
        if b.readableBytes == 0 { return }
        switch e.vr {
        case .US: writeIntegers(b, UInt16.self)
        case .SS: writeIntegers(b, Int16.self)
        case .UL: writeIntegers(b, UInt32.self)
        case .SL: writeIntegers(b, Int32.self)
        case .SV: writeIntegers(b, Int64.self)
        case .UV: writeIntegers(b, UInt64.self)
        case .FL, .FD: writeFloats(b, double: e.vr == .FD)
        case .AT: writeTags(b)
        default:
            if e.vr.isString {
                writeStrings(e.vr, b, charset: charset)
            } else {
                b.withUnsafeReadableBytes { raw in
                    writer.raw(",\"InlineBinary\":\"")
                    Base64.encode(raw, into: &writer.bytes)
                    writer.byte(UInt8(ascii: "\""))
                }
            }
        }
    }

    private mutating func writeIntegers<T: FixedWidthInteger>(_ b: ByteBuffer, _: T.Type) {
        let size = MemoryLayout<T>.size
        let n = b.readableBytes / size
        if n == 0 { return }
        writer.raw(",\"Value\":[")
        b.withUnsafeReadableBytes { raw in
            for i in 0..<n {
                if i > 0 { writer.byte(UInt8(ascii: ",")) }
                let v = T(littleEndian: raw.loadUnaligned(fromByteOffset: i * size, as: T.self))
                if T.isSigned {
                    writer.integer(Int64(v))
                } else {
                    writer.unsigned(UInt64(v))
                }
            }
        }
        writer.byte(UInt8(ascii: "]"))
    }

    private mutating func writeFloats(_ b: ByteBuffer, double: Bool) {
        let size = double ? 8 : 4
        let n = b.readableBytes / size
        if n == 0 { return }
        writer.raw(",\"Value\":[")
        b.withUnsafeReadableBytes { raw in
            for i in 0..<n {
                if i > 0 { writer.byte(UInt8(ascii: ",")) }
                if double {
                    let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                    writer.double(Double(bitPattern: bits))
                } else {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
                    writer.double(Double(Float(bitPattern: bits)))
                }
            }
        }
        writer.byte(UInt8(ascii: "]"))
    }

    private mutating func writeTags(_ b: ByteBuffer) {
        let n = b.readableBytes / 4
        if n == 0 { return }
        writer.raw(",\"Value\":[")
        b.withUnsafeReadableBytes { raw in
            for i in 0..<n {
                if i > 0 { writer.byte(UInt8(ascii: ",")) }
                let g = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt16.self))
                let el = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4 + 2, as: UInt16.self))
                writer.quotedTag(Tag(g, el))
            }
        }
        writer.byte(UInt8(ascii: "]"))
    }

    /// Text values: decoded with the character set when needed, split on the delimiter
    /// (PS3.5 §6.4), trailing padding removed, written as strings, numbers (IS, DS) or PN objects.
    private mutating func writeStrings(_ vr: VR, _ b: ByteBuffer, charset: SpecificCharacterSet) {
        // Bytes below 0x80 other than ESC read the same in every repertoire DICOM allows (the
        // G0 set is ISO 646 unless ISO 2022 escapes switch it), so pure ASCII skips decoding.
        var needsDecoding = false
        if vr.usesSpecificCharacterSet {
            needsDecoding = b.withUnsafeReadableBytes { raw in
                raw.contains { $0 >= 0x80 || $0 == 0x1B }
            }
        }
        if needsDecoding {
            var text = charset.decode(b, vr: vr, options: options.characterSetOptions)
            text.withUTF8 { writeStringValues(vr, $0, validUTF8: true) }
        } else {
            b.withUnsafeReadableBytes { raw in
                writeStringValues(vr, raw.assumingMemoryBound(to: UInt8.self), validUTF8: false)
            }
        }
    }

    private mutating func writeStringValues(_ vr: VR, _ text: UnsafeBufferPointer<UInt8>, validUTF8: Bool) {
        // Split into value ranges.
        var ranges: [Range<Int>] = []
        if vr.isSingleValuedText {
            ranges.append(0..<text.count)
        } else {
            var start = 0
            for i in 0..<text.count where text[i] == 0x5C {
                ranges.append(start..<i)
                start = i + 1
            }
            ranges.append(start..<text.count)
        }
        // Trailing padding: spaces and NULs (NUL pads UI; some writers pad other VRs with it).
        for k in ranges.indices {
            var r = ranges[k]
            while r.upperBound > r.lowerBound, text[r.upperBound - 1] == 0x20 || text[r.upperBound - 1] == 0 {
                r = r.lowerBound..<(r.upperBound - 1)
            }
            ranges[k] = r
        }
        if ranges.count == 1 && (ranges[0].isEmpty || (vr == .PN && EncodingRun.isEmptyName(text, ranges[0]))) {
            return
        }
        writer.raw(",\"Value\":[")
        for (k, r) in ranges.enumerated() {
            if k > 0 { writer.byte(UInt8(ascii: ",")) }
            if r.isEmpty {
                writer.raw("null")
                continue
            }
            let value = UnsafeBufferPointer(rebasing: text[r])
            switch vr {
            case .PN: writePersonName(value, validUTF8: validUTF8)
            case .IS: writeIntegerString(value, validUTF8: validUTF8)
            case .DS: writeDecimalString(value, validUTF8: validUTF8)
            default: writeString(value, validUTF8: validUTF8)
            }
        }
        writer.byte(UInt8(ascii: "]"))
    }

    @inline(__always)
    private mutating func writeString(_ s: UnsafeBufferPointer<UInt8>, validUTF8: Bool) {
        if validUTF8 {
            writer.string(utf8: s)
        } else {
            writer.string(possiblyInvalidUTF8: s)
        }
    }

    /// A PN value whose component groups are all empty ("", "=", "==").
    static func isEmptyName(_ text: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        for i in r where text[i] != UInt8(ascii: "=") && text[i] != 0x20 { return false }
        return true
    }

    /// PN → {"Alphabetic", "Ideographic", "Phonetic"} with the non-empty groups (PS3.18 §F.2.2,
    /// PS3.5 §6.2.1.1); null when all are empty.
    private mutating func writePersonName(_ v: UnsafeBufferPointer<UInt8>, validUTF8: Bool) {
        var groups: [Range<Int>] = []
        var start = 0
        for i in 0..<v.count where v[i] == UInt8(ascii: "=") && groups.count < 2 {
            groups.append(start..<i)
            start = i + 1
        }
        groups.append(start..<v.count)
        if groups.allSatisfy(\.isEmpty) {
            writer.raw("null")
            return
        }
        writer.byte(UInt8(ascii: "{"))
        var first = true
        for (g, r) in groups.enumerated() where !r.isEmpty {
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            switch g {
            case 0: writer.raw("\"Alphabetic\":")
            case 1: writer.raw("\"Ideographic\":")
            default: writer.raw("\"Phonetic\":")
            }
            writeString(UnsafeBufferPointer(rebasing: v[r]), validUTF8: validUTF8)
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// Spaces trimmed from both ends: IS and DS may carry leading spaces (PS3.5 Table 6.2-1).
    private static func trimmedSpaces(_ v: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0
        var hi = v.count
        while lo < hi, v[lo] == 0x20 { lo += 1 }
        while hi > lo, v[hi - 1] == 0x20 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: v[lo..<hi])
    }

    /// IS → integer; an integral decimal ("12.0") → integer; anything else → the string.
    private mutating func writeIntegerString(_ value: UnsafeBufferPointer<UInt8>, validUTF8: Bool) {
        let v = EncodingRun.trimmedSpaces(value)
        if let i = EncodingRun.parseInteger(v) {
            writer.integer(i)
        } else if let d = EncodingRun.parseDecimal(v), d == d.rounded(.towardZero), abs(d) < 9.2e18 {
            writer.integer(Int64(d))
        } else if v.isEmpty {
            writer.raw("null")
        } else {
            writeString(v, validUTF8: validUTF8)
        }
    }

    /// DS → shortest round-trip double; anything not a finite decimal → the string.
    private mutating func writeDecimalString(_ value: UnsafeBufferPointer<UInt8>, validUTF8: Bool) {
        let v = EncodingRun.trimmedSpaces(value)
        if let d = EncodingRun.parseDecimal(v) {
            writer.double(d)
        } else if v.isEmpty {
            writer.raw("null")
        } else {
            writeString(v, validUTF8: validUTF8)
        }
    }

    /// `[+-]?[0-9]+` within Int64, else nil.
    static func parseInteger(_ v: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < v.count, v[i] == UInt8(ascii: "+") || v[i] == UInt8(ascii: "-") {
            negative = v[i] == UInt8(ascii: "-")
            i += 1
        }
        if i == v.count { return nil }
        var magnitude: UInt64 = 0
        while i < v.count {
            let c = v[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
            if o1 || o2 { return nil }
            magnitude = a
            i += 1
        }
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude > UInt64(Int64.max) ? nil : Int64(magnitude)
    }

    /// A finite decimal in DS syntax (PS3.5 Table 6.2-1: digits, sign, '.', exponent), else nil.
    /// The character check keeps "nan", "inf" and hex floats out, which `Double(_:)` accepts.
    static func parseDecimal(_ v: UnsafeBufferPointer<UInt8>) -> Double? {
        if v.isEmpty || v.count > 64 { return nil }
        var hasDigit = false
        for c in v {
            switch c {
            case 0x30...0x39: hasDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            default: return nil
            }
        }
        guard hasDigit, let d = Double(String(decoding: v, as: UTF8.self)), d.isFinite else { return nil }
        return d
    }
}
