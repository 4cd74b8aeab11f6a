/// A cursor over the bytes of one HTTP header value, for the RFC 9110 pieces that media types
/// and Accept share: tokens, quoted-strings, optional whitespace, parameters.
///
/// Failures are reported as plain reasons; the caller knows which header it was reading and
/// wraps them in the matching `MultipartError` case.
struct HeaderValueScanner {
    struct Failure: Error {
        var reason: String
    }

    let bytes: [UInt8]
    private(set) var position = 0

    init(_ value: String) {
        bytes = Array(value.utf8)
    }

    var atEnd: Bool { position >= bytes.count }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while position < bytes.count, bytes[position] == .space || bytes[position] == .tab {
            position += 1
        }
    }

    /// Consumes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        position += 1
        return true
    }

    /// RFC 9110 `token`, lower-cased (used for type, subtype and parameter names, all of
    /// which compare case-insensitively).
    mutating func lowercasedToken(what: String) throws(Failure) -> String {
        let start = position
        while position < bytes.count, HeaderValueScanner.isTokenByte(bytes[position]) {
            position += 1
        }
        guard position > start else {
            throw Failure(reason: current.map { "unexpected character \"\(Character(Unicode.Scalar($0)))\" where \(what) was expected" }
                ?? "\(what) missing")
        }
        return String(decoding: bytes[start..<position], as: UTF8.self).lowercased()
    }

    /// A parameter value: a quoted-string (backslash escapes removed) or an unquoted run.
    /// The unquoted form is accepted more widely than `token` because real clients send
    /// boundaries such as `----=_Part_1` without quotes; it stops at whitespace, ";" and,
    /// inside list headers such as Accept, ",".
    mutating func parameterValue(stopAtComma: Bool) throws(Failure) -> String {
        if take(.quote) {
            var value: [UInt8] = []
            while true {
                guard let byte = current else { throw Failure(reason: "unterminated quoted-string") }
                position += 1
                switch byte {
                case .quote:
                    return String(decoding: value, as: UTF8.self)
                case .backslash:
                    guard let escaped = current else { throw Failure(reason: "unterminated quoted-string") }
                    guard HeaderValueScanner.isAllowedInQuotedString(escaped) else {
                        throw Failure(reason: "control character in quoted-string")
                    }
                    value.append(escaped)
                    position += 1
                default:
                    guard HeaderValueScanner.isAllowedInQuotedString(byte) else {
                        throw Failure(reason: "control character in quoted-string")
                    }
                    value.append(byte)
                }
            }
        }
        let start = position
        while let byte = current, byte > 0x20, byte != 0x7F, byte != .semicolon, byte != .quote,
              !(stopAtComma && byte == .comma) {
            position += 1
        }
        guard position > start else { throw Failure(reason: "parameter value missing") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// `type "/" subtype *( OWS ";" OWS [ name "=" value ] )`, stopping before "," (when
    /// `stopAtComma`) or at the end. Empty parameters (";;", trailing ";") are tolerated.
    mutating func mediaType(stopAtComma: Bool) throws(Failure) -> MediaType {
        skipWhitespace()
        let type = try lowercasedToken(what: "type")
        guard take(.slash) else { throw Failure(reason: "\"/\" missing after type") }
        let subtype = try lowercasedToken(what: "subtype")
        var parameters: [MediaType.Parameter] = []
        while true {
            skipWhitespace()
            guard take(.semicolon) else { break }
            skipWhitespace()
            if atEnd || current == .semicolon || (stopAtComma && current == .comma) { continue }
            let name = try lowercasedToken(what: "parameter name")
            skipWhitespace()
            guard take(.equals) else { throw Failure(reason: "\"=\" missing after parameter \(name)") }
            skipWhitespace()
            let value = try parameterValue(stopAtComma: stopAtComma)
            parameters.append(MediaType.Parameter(name: name, value: value))
        }
        skipWhitespace()
        if let byte = current, !(stopAtComma && byte == .comma) {
            throw Failure(reason: "unexpected character \"\(Character(Unicode.Scalar(byte)))\"")
        }
        return MediaType(type: type, subtype: subtype, parameters: parameters)
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// qdtext / quoted-pair octets: HTAB, SP, visible ASCII and obs-text; no other controls,
    /// so a value can never smuggle a line break.
    static func isAllowedInQuotedString(_ byte: UInt8) -> Bool {
        byte == .tab || (byte >= 0x20 && byte != 0x7F)
    }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let dash = UInt8(ascii: "-")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let semicolon = UInt8(ascii: ";")
    static let comma = UInt8(ascii: ",")
    static let slash = UInt8(ascii: "/")
    static let equals = UInt8(ascii: "=")
    static let colon = UInt8(ascii: ":")
}
