/// A parsed JSON value (RFC 8259) with the byte offset where it starts, for error messages.
struct JSONValue {
    indirect enum Kind {
        case null
        case bool(Bool)
        /// The number's text exactly as written (already checked against the RFC 8259 grammar),
        /// so IS/DS values keep their original form.
        case number(String)
        case string(String)
        case array([JSONValue])
        /// Members in document order.
        case object([(key: String, value: JSONValue)])
    }

    var offset: Int
    var kind: Kind

    var typeName: String {
        switch kind {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The last member named `key` of an object (RFC 8259 leaves duplicates to the reader).
    func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = kind else { return nil }
        return members.last(where: { $0.key == key })?.value
    }
}

/// A small recursive-descent JSON parser over bytes. Strict RFC 8259: no comments, no trailing
/// commas, no NaN literals; strings must be valid UTF-8; nesting is limited so hostile input
/// cannot exhaust the stack.
struct JSONParser {
    private let input: [UInt8]
    private var pos = 0
    private let maxDepth: Int

    init(_ input: [UInt8], maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
    }

    /// Parses one JSON text: a value surrounded by optional whitespace.
    static func parse(_ input: [UInt8], maxDepth: Int = 64) throws(DICOMJSONError) -> JSONValue {
        var p = JSONParser(input, maxDepth: maxDepth)
        p.skipWhitespace()
        let v = try p.parseValue(depth: 0)
        p.skipWhitespace()
        if p.pos != p.input.count { throw p.error("unexpected data after the JSON value") }
        return v
    }

    private func error(_ message: String, at offset: Int? = nil) -> DICOMJSONError {
        DICOMJSONError(code: .malformedJSON, offset: offset ?? pos, message: message)
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < input.count {
            switch input[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(DICOMJSONError) -> JSONValue {
        guard pos < input.count else { throw error("unexpected end of input, a value was expected") }
        let start = pos
        switch input[pos] {
        case UInt8(ascii: "{"): return JSONValue(offset: start, kind: try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return JSONValue(offset: start, kind: try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return JSONValue(offset: start, kind: .string(try parseString()))
        case UInt8(ascii: "t"):
            try literal("true")
            return JSONValue(offset: start, kind: .bool(true))
        case UInt8(ascii: "f"):
            try literal("false")
            return JSONValue(offset: start, kind: .bool(false))
        case UInt8(ascii: "n"):
            try literal("null")
            return JSONValue(offset: start, kind: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONValue(offset: start, kind: .number(try parseNumber()))
        default:
            throw error("unexpected character, a value was expected")
        }
    }

    private mutating func literal(_ word: StaticString) throws(DICOMJSONError) {
        let start = pos
        let n = word.utf8CodeUnitCount
        guard input.count - pos >= n else { throw error("truncated literal", at: start) }
        let p = word.utf8Start
        for i in 0..<n where input[pos + i] != p[i] { throw error("invalid literal", at: start) }
        pos += n
    }

    private mutating func parseObject(depth: Int) throws(DICOMJSONError) -> JSONValue.Kind {
        if depth > maxDepth {
            throw DICOMJSONError(code: .nestingTooDeep, offset: pos, message: "nesting deeper than \(maxDepth)")
        }
        pos += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if pos < input.count, input[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard pos < input.count else { throw error("unexpected end of input in an object") }
            guard input[pos] == UInt8(ascii: "\"") else { throw error("a member name (string) was expected") }
            let key = try parseString()
            skipWhitespace()
            guard pos < input.count else { throw error("unexpected end of input in an object") }
            guard input[pos] == UInt8(ascii: ":") else { throw error("':' was expected after a member name") }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append((key, value))
            skipWhitespace()
            guard pos < input.count else { throw error("unexpected end of input in an object") }
            switch input[pos] {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "}"):
                pos += 1
                return .object(members)
            default: throw error("',' or '}' was expected in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(DICOMJSONError) -> JSONValue.Kind {
        if depth > maxDepth {
            throw DICOMJSONError(code: .nestingTooDeep, offset: pos, message: "nesting deeper than \(maxDepth)")
        }
        pos += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if pos < input.count, input[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard pos < input.count else { throw error("unexpected end of input in an array") }
            switch input[pos] {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "]"):
                pos += 1
                return .array(elements)
            default: throw error("',' or ']' was expected in an array")
            }
        }
    }

    /// number = [ minus ] int [ frac ] [ exp ] (RFC 8259 §6).
    private mutating func parseNumber() throws(DICOMJSONError) -> String {
        let start = pos
        if input[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < input.count, isDigit(input[pos]) else { throw error("a digit was expected in a number") }
        if input[pos] == UInt8(ascii: "0") {
            pos += 1
        } else {
            while pos < input.count, isDigit(input[pos]) { pos += 1 }
        }
        if pos < input.count, input[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < input.count, isDigit(input[pos]) else { throw error("a digit was expected after '.'") }
            while pos < input.count, isDigit(input[pos]) { pos += 1 }
        }
        if pos < input.count, input[pos] == UInt8(ascii: "e") || input[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < input.count, input[pos] == UInt8(ascii: "+") || input[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < input.count, isDigit(input[pos]) else { throw error("a digit was expected in an exponent") }
            while pos < input.count, isDigit(input[pos]) { pos += 1 }
        }
        return String(decoding: input[start..<pos], as: UTF8.self)
    }

    @inline(__always)
    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private mutating func parseString() throws(DICOMJSONError) -> String {
        let quote = pos
        pos += 1
        // Fast path: no escapes, copy the run directly.
        var runStart = pos
        var out: [UInt8] = []
        var hasNonASCII = false
        while true {
            guard pos < input.count else { throw error("unterminated string", at: quote) }
            let c = input[pos]
            if c == UInt8(ascii: "\"") {
                break
            } else if c == UInt8(ascii: "\\") {
                out.append(contentsOf: input[runStart..<pos])
                try parseEscape(into: &out)
                runStart = pos
            } else if c < 0x20 {
                throw error("unescaped control character in a string")
            } else {
                if c >= 0x80 { hasNonASCII = true }
                pos += 1
            }
        }
        let end = pos
        pos += 1
        if out.isEmpty {
            let slice = input[runStart..<end]
            if !hasNonASCII { return String(decoding: slice, as: UTF8.self) }
            guard let s = String(validating: slice, as: UTF8.self) else {
                throw error("invalid UTF-8 in a string", at: quote)
            }
            return s
        }
        out.append(contentsOf: input[runStart..<end])
        guard let s = String(validating: out, as: UTF8.self) else {
            throw error("invalid UTF-8 in a string", at: quote)
        }
        return s
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(DICOMJSONError) {
        let start = pos
        pos += 1
        guard pos < input.count else { throw error("truncated escape sequence", at: start) }
        let c = input[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4(escapeStart: start)
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                // A high surrogate must be followed by an escaped low surrogate (RFC 8259 §7).
                guard input.count - pos >= 6, input[pos] == UInt8(ascii: "\\"), input[pos + 1] == UInt8(ascii: "u")
                else { throw error("unpaired high surrogate in \\u escape", at: start) }
                pos += 2
                let low = try hex4(escapeStart: start)
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error("invalid low surrogate in \\u escape", at: start)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw error("unpaired low surrogate in \\u escape", at: start)
            }
            JSONParser.appendUTF8(scalar, to: &out)
        default:
            throw error("invalid escape character", at: start)
        }
    }

    /// UTF-8 encoding of a scalar value (surrogates were excluded by the caller).
    private static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6))
            out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18))
            out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    private mutating func hex4(escapeStart: Int) throws(DICOMJSONError) -> UInt32 {
        guard input.count - pos >= 4 else { throw error("truncated \\u escape", at: escapeStart) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = input[pos]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape", at: escapeStart)
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}
