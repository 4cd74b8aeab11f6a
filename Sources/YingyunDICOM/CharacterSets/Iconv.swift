#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Conversions through the C library's iconv, for the multi-byte repertoires (GB18030, GBK, and the
/// JIS X 0208/0212, KS X 1001 and GB 2312 code elements of ISO 2022) and to build the single-byte tables.
///
/// iconv descriptors carry conversion state and are not thread-safe, so each call opens its own:
/// `iconv_open`/`iconv_close` cost about 0.3 µs here (glibc caches the loaded gconv module), far
/// less than a lock or a per-thread cache would save, and nothing is shared between threads.
enum Iconv {
    /// Converts `input` from `encoding` to UTF-8, appending the result to `output`.
    ///
    /// - Parameters:
    ///   - input: The encoded bytes.
    ///   - encoding: An iconv encoding name, e.g. "GB18030".
    ///   - stopAtFirstError: Stop (returning a non-zero count) at the first invalid or incomplete sequence
    ///     instead of replacing it.
    ///   - output: UTF-8 bytes are appended here.
    /// - Returns: The number of invalid or incomplete sequences met (each replaced by U+FFFD unless
    ///   stopping), or nil when iconv does not know the encoding.
    static func decode(
        _ input: UnsafeRawBufferPointer,
        from encoding: String,
        stopAtFirstError: Bool = false,
        into output: inout [UInt8]
    ) -> Int? {
        guard let cd = open(to: "UTF-8", from: encoding) else { return nil }
        defer { iconv_close(cd) }
        guard let base = input.baseAddress, input.count > 0 else { return 0 }

        var errors = 0
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
            mutating: base.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        // 4 output bytes per input byte always suffice (a single byte never needs more than 3 UTF-8
        // bytes, two bytes never more than 4), so one chunk normally does the whole conversion.
        var chunk = [UInt8](repeating: 0, count: min(max(64, input.count * 4), 1 << 16))
        while inLeft > 0 {
            var produced = 0
            let result: Int = chunk.withUnsafeMutableBytes { out in
                var outPtr: UnsafeMutablePointer<CChar>? = out.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outLeft = out.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                produced = out.count - outLeft
                return r
            }
            output.append(contentsOf: chunk[0..<produced])
            if result != -1 { break }
            switch errno {
            case E2BIG:
                continue
            case EILSEQ:
                errors += 1
                if stopAtFirstError { return errors }
                output.append(contentsOf: replacementCharacterUTF8)
                inPtr = inPtr.map { $0 + 1 }
                inLeft -= 1
                // Reset the shift state so the next byte starts afresh.
                iconv(cd, nil, nil, nil, nil)
            default:  // EINVAL: an incomplete sequence at the end of the input
                errors += 1
                if stopAtFirstError { return errors }
                output.append(contentsOf: replacementCharacterUTF8)
                inLeft = 0
            }
        }
        return errors
    }

    /// Converts UTF-8 bytes to `encoding`; nil when a character is not representable in it.
    static func encode(_ utf8: [UInt8], to encoding: String) -> [UInt8]? {
        guard let cd = open(to: encoding, from: "UTF-8") else { return nil }
        defer { iconv_close(cd) }
        if utf8.isEmpty { return [] }
        var out = [UInt8](repeating: 0, count: utf8.count * 2 + 16)  // GB18030 needs at most 4 bytes per 4 UTF-8 bytes
        let outCount = out.count
        var outLeft = outCount
        let ok: Bool = utf8.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
                    mutating: input.baseAddress?.assumingMemoryBound(to: CChar.self))
                var inLeft = input.count
                var outPtr: UnsafeMutablePointer<CChar>? = output.baseAddress?.assumingMemoryBound(to: CChar.self)
                if iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) == -1 { return false }
                // Flush any pending shift state (none for the encodings used here, but cheap).
                return iconv(cd, nil, nil, &outPtr, &outLeft) != -1
            }
        }
        guard ok else { return nil }
        return Array(out[0..<(outCount - outLeft)])
    }

    private static func open(to: String, from: String) -> iconv_t? {
        let cd = iconv_open(to, from)
        // iconv_open reports failure as (iconv_t)-1.
        if cd == nil || cd == iconv_t(bitPattern: -1) { return nil }
        return cd
    }
}

/// U+FFFD REPLACEMENT CHARACTER in UTF-8.
let replacementCharacterUTF8: [UInt8] = [0xEF, 0xBF, 0xBD]

/// Appends the UTF-8 form of a Unicode scalar value to `output`.
@inline(__always)
func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | (scalar >> 6)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | (scalar >> 12)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        output.append(UInt8(0xF0 | (scalar >> 18)))
        output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        output.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}
