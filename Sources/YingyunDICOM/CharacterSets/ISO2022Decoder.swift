/// Decodes a value written with ISO/IEC 2022 code extensions (PS3.5 §6.1.2.5).
///
/// Escape sequences designate sets to G0 and G1; bytes 0x21–0x7E are read in the G0 set and bytes
/// 0xA0–0xFF in the G1 set. Per PS3.5 §6.1.2.5.3 a writer must switch back to the initial sets
/// (those of value 1 of (0008,0005)) before CR, LF, FF, TAB and any other control character, before
/// the value delimiter "\" and, in PN, before the "^" and "=" delimiters; the decoder therefore resets
/// to the initial state at each of them, which also recovers from writers that omit the escape back.
/// A delimiter byte only counts as one when G0 holds a single-byte set: inside a JIS X 0208 run
/// 0x5C, 0x5E and 0x3D are halves of two-byte characters.
struct ISO2022Decoder {
    let context: CodeExtensionContext
    let vr: VR
    let options: CharacterSetOptions

    /// - Returns: The text and whether a recovery heuristic (missing G1 designation, undeclared
    ///   bytes) had to be used.
    func decode(_ p: UnsafeRawBufferPointer) -> (string: String, usedFallback: Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(p.count * 2)
        var usedFallback = false
        var g0 = context.initialG0
        var g1 = context.initialG1
        let resetsOnBackslash = !vr.isSingleValuedText
        let isPN = vr == .PN
        let n = p.count
        var i = 0

        while i < n {
            let b = p[i]
            if b == 0x1B {
                if let (designation, length) = Designation.parse(p, at: i) {
                    switch designation {
                    case .g0(let set): g0 = set
                    case .g1(let set): g1 = set
                    }
                    i += length
                } else {
                    // Unknown escape sequence: ESC, intermediates 02/00–02/15, one final byte.
                    out.append(contentsOf: replacementCharacterUTF8)
                    i += 1
                    while i < n, (0x20...0x2F).contains(p[i]) { i += 1 }
                    if i < n, (0x30...0x7E).contains(p[i]) { i += 1 }
                }
                continue
            }
            if b < 0x20 || b == 0x7F {
                // Control characters end any designation (CR, LF, FF, TAB and the others alike).
                g0 = context.initialG0
                g1 = context.initialG1
                out.append(b)
                i += 1
                continue
            }
            if b < 0x80 {
                if g0.isMultiByte && b != 0x20 {
                    i = decodeG0Run(p, from: i, set: g0, into: &out)
                    continue
                }
                if (b == 0x5C && resetsOnBackslash) || (isPN && (b == 0x3D || b == 0x5E)) {
                    g0 = context.initialG0
                    g1 = context.initialG1
                }
                out.append(b)
                i += 1
                continue
            }
            // b >= 0x80: the G1 set.
            var set = g1
            if set == nil, options.recoversCodeExtensions, let declared = context.declaredG1 {
                // A writer that forgot ESC before the G1 bytes (seen with Korean and Chinese data).
                set = declared
                usedFallback = true
            }
            if let set {
                i = decodeG1Run(p, from: i, set: set, into: &out)
                continue
            }
            // No G1 set at all: the bytes belong to no declared repertoire. Decode the segment up to
            // the next escape or control character with the undeclared-text fallbacks (segment, not
            // byte: GB18030 trail bytes may be ASCII, including 0x5C).
            var end = i
            while end < n, ![0x1B, 0x0D, 0x0A, 0x0C, 0x09].contains(p[end]) { end += 1 }
            let segment = UnsafeRawBufferPointer(rebasing: p[i..<end])
            if let text = FallbackDecoder.firstStrict(segment, among: options.undeclaredFallbacks) {
                out.append(contentsOf: text.utf8)
                usedFallback = true
                i = end
            } else {
                out.append(contentsOf: replacementCharacterUTF8)
                i += 1
            }
        }
        return (String(decoding: out, as: UTF8.self), usedFallback)
    }

    /// Decodes the two-byte characters of a JIS X 0208 or 0212 run in G0, starting at `start`.
    /// - Returns: The index after the run.
    private func decodeG0Run(
        _ p: UnsafeRawBufferPointer,
        from start: Int,
        set: G0Set,
        into out: inout [UInt8]
    ) -> Int {
        var end = start
        while end < p.count, (0x21...0x7E).contains(p[end]) { end += 1 }
        // EUC-JP holds JIS X 0208 as the GL bytes with the high bit set, and JIS X 0212 the same
        // after the single-shift SS3 (0x8F).
        var euc: [UInt8] = []
        euc.reserveCapacity((end - start) * 3 / 2 + 1)
        var k = start
        while k + 1 < end {
            if set == .jisX0212 { euc.append(0x8F) }
            euc.append(p[k] | 0x80)
            euc.append(p[k + 1] | 0x80)
            k += 2
        }
        let converted = euc.withUnsafeBytes { Iconv.decode($0, from: "EUC-JP", into: &out) }
        if converted == nil { out.append(contentsOf: replacementCharacterUTF8) }
        if k < end { out.append(contentsOf: replacementCharacterUTF8) }  // an odd byte out
        return end
    }

    /// Decodes a run of bytes ≥ 0x80 in the G1 set, starting at `start`.
    /// - Returns: The index after the run.
    private func decodeG1Run(
        _ p: UnsafeRawBufferPointer,
        from start: Int,
        set: G1Set,
        into out: inout [UInt8]
    ) -> Int {
        var end = start
        while end < p.count, p[end] >= 0x80 { end += 1 }
        switch set {
        case .singleByte(let sbs):
            let table = sbs.upperHalf
            for k in start..<end {
                let scalar = table[Int(p[k]) - 0x80]
                if scalar == 0 {
                    out.append(contentsOf: replacementCharacterUTF8)
                } else {
                    appendUTF8(UInt32(scalar), to: &out)
                }
            }
        case .katakana:
            for k in start..<end {
                let b = p[k]
                if (0xA1...0xDF).contains(b) {
                    appendUTF8(0xFF61 + UInt32(b - 0xA1), to: &out)
                } else {
                    out.append(contentsOf: replacementCharacterUTF8)
                }
            }
        case .ksX1001, .gb2312:
            let run = UnsafeRawBufferPointer(rebasing: p[start..<end])
            if let name = set.eucName, Iconv.decode(run, from: name, into: &out) != nil {
                break
            }
            out.append(contentsOf: replacementCharacterUTF8)
        }
        return end
    }
}
