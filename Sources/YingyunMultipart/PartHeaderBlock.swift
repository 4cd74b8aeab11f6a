/// Splits a part's header block ("Name: value" lines ending in CRLF, then an empty line) into
/// fields. RFC 5322 folding (a continuation line starting with SP or HTAB) is unfolded,
/// since RFC 2045 parts are message-style headers.
enum PartHeaderBlock {
    /// `bytes` is the block up to and including the terminating empty line's CRLF.
    static func parse(_ bytes: [UInt8]) throws(MultipartError) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        var lineStart = 0
        var index = 0
        let end = bytes.count - 2  // the empty line ending the block
        while index < end {
            guard bytes[index] == .cr, bytes[index + 1] == .lf else {
                index += 1
                continue
            }
            let line = bytes[lineStart..<index]
            index += 2
            lineStart = index
            if let first = line.first, first == .space || first == .tab {
                guard !fields.isEmpty else { throw .malformedHeader(line: text(line)) }
                let continuation = trimmed(line)
                if !continuation.isEmpty {
                    fields[fields.count - 1].value += (fields[fields.count - 1].value.isEmpty ? "" : " ") + text(continuation)
                }
                continue
            }
            guard let colon = line.firstIndex(of: .colon), colon > line.startIndex,
                  line[..<colon].allSatisfy(HeaderValueScanner.isTokenByte)
            else { throw .malformedHeader(line: text(line)) }
            fields.append((name: text(line[..<colon]).lowercased(), value: text(trimmed(line[(colon + 1)...]))))
        }
        return fields
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == .space || first == .tab { slice = slice.dropFirst() }
        while let last = slice.last, last == .space || last == .tab { slice = slice.dropLast() }
        return slice
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
