/// What a value's bytes contain, found in one pass eight bytes at a time: most DICOM text is
/// plain ASCII and needs no character set work at all.
struct ByteScan {
    /// Some byte is ≥ 0x80.
    var hasHighBytes = false
    /// Some byte is ESC (0x1B), which may start an ISO 2022 escape sequence.
    var hasEscape = false

    init(_ p: UnsafeRawBufferPointer) {
        let n = p.count
        var i = 0
        var high: UInt64 = 0
        var esc: UInt64 = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let word = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            high |= word
            // A byte of `x` is zero exactly where `word` holds ESC; the classic "has a zero byte"
            // test has no false positives on whether one exists.
            let x = word ^ (ones &* 0x1B)
            esc |= (x &- ones) & ~x & highBits
            i += 8
        }
        var tailHigh = false
        var tailEsc = false
        while i < n {
            let b = p[i]
            tailHigh = tailHigh || b >= 0x80
            tailEsc = tailEsc || b == 0x1B
            i += 1
        }
        hasHighBytes = (high & highBits) != 0 || tailHigh
        hasEscape = esc != 0 || tailEsc
    }
}
