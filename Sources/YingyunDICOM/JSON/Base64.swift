/// Base64 (RFC 4648 §4) for "InlineBinary" values (PS3.18 §F.2.7): table driven, no Foundation.
enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 255 marks a byte outside the alphabet.
    private static let reverse: [UInt8] = {
        var t = [UInt8](repeating: 255, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Appends the padded base64 encoding of `input` to `out`.
    static func encode(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let n = input.count
        if n == 0 { return }
        let start = out.count
        let outCount = (n + 2) / 3 * 4
        out.append(contentsOf: repeatElement(0, count: outCount))
        alphabet.withUnsafeBufferPointer { table in
            out.withUnsafeMutableBufferPointer { o in
                var i = 0
                var j = start
                while i + 3 <= n {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    o[j] = table[Int(v >> 18)]
                    o[j + 1] = table[Int(v >> 12 & 0x3F)]
                    o[j + 2] = table[Int(v >> 6 & 0x3F)]
                    o[j + 3] = table[Int(v & 0x3F)]
                    i += 3
                    j += 4
                }
                let rest = n - i
                if rest > 0 {
                    var v = UInt32(input[i]) << 16
                    if rest == 2 { v |= UInt32(input[i + 1]) << 8 }
                    o[j] = table[Int(v >> 18)]
                    o[j + 1] = table[Int(v >> 12 & 0x3F)]
                    o[j + 2] = rest == 2 ? table[Int(v >> 6 & 0x3F)] : UInt8(ascii: "=")
                    o[j + 3] = UInt8(ascii: "=")
                }
            }
        }
    }

    /// Decodes base64 text; padding is optional. Returns nil for characters outside the
    /// alphabet, misplaced padding or an impossible length.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var chars = Array(text)
        // Drop at most two '=' at the end; any other '=' is an error below.
        var pad = 0
        while pad < 2, let last = chars.last, last == UInt8(ascii: "=") {
            chars.removeLast()
            pad += 1
        }
        if pad > 0 && (chars.count + pad) % 4 != 0 { return nil }
        let n = chars.count
        if n % 4 == 1 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(n / 4 * 3 + 2)
        return reverse.withUnsafeBufferPointer { table -> [UInt8]? in
            var i = 0
            while i + 4 <= n {
                let a = table[Int(chars[i])]
                let b = table[Int(chars[i + 1])]
                let c = table[Int(chars[i + 2])]
                let d = table[Int(chars[i + 3])]
                if (a | b | c | d) == 255 { return nil }
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out.append(UInt8(v >> 16))
                out.append(UInt8(v >> 8 & 0xFF))
                out.append(UInt8(v & 0xFF))
                i += 4
            }
            let rest = n - i
            if rest >= 2 {
                let a = table[Int(chars[i])]
                let b = table[Int(chars[i + 1])]
                let c = rest == 3 ? table[Int(chars[i + 2])] : 0
                if (a | b | c) == 255 { return nil }
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                out.append(UInt8(v >> 16))
                if rest == 3 { out.append(UInt8(v >> 8 & 0xFF)) }
            }
            return out
        }
    }
}
