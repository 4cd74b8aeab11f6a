/// Appends JSON text (RFC 8259) straight into a byte array: no intermediate strings per value.
///
/// The caller is responsible for structure (commas, brackets); this type only gets the
/// tokens right: escaped strings, shortest round-trip numbers, hex tag keys.
struct JSONWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    @inline(__always)
    mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Appends ASCII punctuation or a fixed key such as `"vr":`.
    @inline(__always)
    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends `"GGGGEEEE"`: the attribute key of PS3.18 §F.2.1.1 and the AT value form.
    mutating func quotedTag(_ tag: Tag) {
        let v = tag.rawValue
        bytes.append(0x22)
        var shift: UInt32 = 28
        for _ in 0..<8 {
            bytes.append(JSONWriter.hexDigits[Int((v >> shift) & 0xF)])
            shift &-= 4
        }
        bytes.append(0x22)
    }

    /// Appends a quoted, escaped JSON string from valid UTF-8 bytes.
    mutating func string(utf8 text: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        var runStart = 0
        var i = 0
        let n = text.count
        while i < n {
            let c = text[i]
            if c < 0x20 || c == 0x22 || c == 0x5C {
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<i])) }
                escape(c)
                runStart = i + 1
            }
            i += 1
        }
        if runStart < n { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<n])) }
        bytes.append(0x22)
    }

    /// Appends a quoted, escaped JSON string.
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { string(utf8: $0) }
    }

    /// Appends a quoted string from bytes that should be UTF-8 (or ASCII); invalid sequences are
    /// replaced by U+FFFD so the output stays valid UTF-8.
    mutating func string(possiblyInvalidUTF8 text: UnsafeBufferPointer<UInt8>) {
        var ascii = true
        for c in text where c >= 0x80 {
            ascii = false
            break
        }
        if ascii {
            string(utf8: text)
        } else {
            string(String(decoding: text, as: UTF8.self))
        }
    }

    @inline(__always)
    private mutating func escape(_ c: UInt8) {
        bytes.append(0x5C)
        switch c {
        case 0x22: bytes.append(0x22)
        case 0x5C: bytes.append(0x5C)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(UInt8(ascii: "u"))
            bytes.append(0x30)
            bytes.append(0x30)
            bytes.append(JSONWriter.hexDigits[Int(c >> 4)])
            bytes.append(JSONWriter.hexDigits[Int(c & 0xF)])
        }
    }

    /// Appends a decimal integer.
    mutating func integer(_ v: Int64) {
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            unsigned(v.magnitude)
        } else {
            unsigned(UInt64(v))
        }
    }

    /// Appends a decimal unsigned integer (exact, even above 2^53: JSON numbers have no limit).
    mutating func unsigned(_ v: UInt64) {
        if v < 10 {
            bytes.append(0x30 &+ UInt8(v))
            return
        }
        // UInt64.max has 20 digits: fill a 24-byte stack buffer from the end.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var x = v
        withUnsafeMutableBytes(of: &digits) { buf in
            var p = 24
            while x > 0 {
                p -= 1
                buf[p] = 0x30 &+ UInt8(x % 10)
                x /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[p..<24]))
        }
    }

    /// Appends a finite double in its shortest round-trip form (Swift's `description`, the same
    /// digits as Python's `repr`). Non-finite values are written as the strings "NaN",
    /// "Infinity" and "-Infinity", since JSON has no literal for them.
    mutating func double(_ d: Double) {
        if d.isFinite {
            bytes.append(contentsOf: d.description.utf8)
        } else if d.isNaN {
            raw("\"NaN\"")
        } else if d < 0 {
            raw("\"-Infinity\"")
        } else {
            raw("\"Infinity\"")
        }
    }
}
