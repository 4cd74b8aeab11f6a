/// RFC 2046 §5.1.1 boundary rules, shared by the parser (to reject what it cannot frame) and
/// the writer (to generate boundaries that need no quoting).
public enum MultipartBoundary {
    /// Maximum boundary length in RFC 2046.
    public static let maximumLength = 70

    /// Throws unless `boundary` is 1-70 `bchars` and does not end in a space.
    ///
    /// This also guarantees the delimiter "\r\n--boundary" holds exactly one CR, which the
    /// parser's search relies on.
    public static func validate(_ boundary: String) throws(MultipartError) {
        let bytes = boundary.utf8
        guard (1...maximumLength).contains(bytes.count), bytes.last != .space,
              bytes.allSatisfy(isBoundaryCharacter)
        else { throw .invalidBoundary(boundary) }
    }

    /// RFC 2046 `bchars`.
    static func isBoundaryCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"),
             UInt8(ascii: "_"), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "?"),
             UInt8(ascii: " "):
            return true
        default:
            return false
        }
    }

    /// A fresh random boundary of letters and digits only (so it is an HTTP token and never
    /// needs quoting). 32 random characters (~190 bits) make a collision with content negligible.
    public static func random() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var generator = SystemRandomNumberGenerator()
        var bytes = Array("yingyun-".utf8)
        for _ in 0..<32 {
            bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
