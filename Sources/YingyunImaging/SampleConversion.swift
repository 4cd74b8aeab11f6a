/// Conversions on interleaved little-endian sample buffers shared by the decoders.
enum SampleConversion {
    /// Widens or narrows samples to `bytes` per sample; signed sources are sign-extended.
    static func resize(_ src: [UInt8], from: Int, to: Int, signed: Bool) -> [UInt8] {
        if from == to { return src }
        let n = src.count / from
        var out = [UInt8](repeating: 0, count: n * to)
        for i in 0..<n {
            var v: UInt32 = 0
            for b in 0..<from { v |= UInt32(src[i * from + b]) << UInt32(8 * b) }
            if signed && from < 4 && v & (1 << UInt32(8 * from - 1)) != 0 { v |= ~UInt32(0) << UInt32(8 * from) }
            for b in 0..<to { out[i * to + b] = UInt8(truncatingIfNeeded: v >> UInt32(8 * b)) }
        }
        return out
    }

    /// Keeps the low `bits` of each sample and, when `signed`, sign-extends from bit `bits - 1`
    /// (PS3.5 §8.1.1: bits above High Bit are not pixel data).
    static func normalize(_ samples: inout [UInt8], bytesPerSample: Int, bits: Int, signed: Bool) {
        let container = bytesPerSample * 8
        guard bits > 0, bits < container else { return }
        let shift = UInt32(32 - bits)
        let n = samples.count / bytesPerSample
        if bytesPerSample == 2 {
            // The common case (12-bit CT and MR in 16-bit words): plain loops over UInt16 the
            // compiler vectorises. Array storage is aligned, and decoded samples are little endian.
            let shift16 = UInt16(16 - bits)
            samples.withUnsafeMutableBytes { raw in
                let p = raw.bindMemory(to: UInt16.self)
                if signed {
                    // Masking shifts (&<< &>>): the checked ones stop the loop from vectorising.
                    let s = Int16(shift16)
                    for i in 0..<n { p[i] = UInt16(bitPattern: Int16(bitPattern: p[i] &<< shift16) &>> s) }
                } else {
                    let mask = UInt16.max >> shift16
                    for i in 0..<n { p[i] &= mask }
                }
            }
            return
        }
        samples.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let o = i * bytesPerSample
                var v: UInt32 = 0
                for b in 0..<bytesPerSample { v |= UInt32(p[o + b]) << UInt32(8 * b) }
                v = signed ? UInt32(bitPattern: Int32(bitPattern: v << shift) >> Int32(shift)) : (v << shift) >> shift
                for b in 0..<bytesPerSample { p[o + b] = UInt8(truncatingIfNeeded: v >> UInt32(8 * b)) }
            }
        }
    }

    /// Colour-by-plane (R…G…B…) to colour-by-pixel (RGBRGB…).
    static func interleave(_ src: [UInt8], pixels: Int, samplesPerPixel: Int, bytesPerSample: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: src.count)
        for s in 0..<samplesPerPixel {
            for i in 0..<pixels {
                for b in 0..<bytesPerSample {
                    out[(i * samplesPerPixel + s) * bytesPerSample + b] = src[(s * pixels + i) * bytesPerSample + b]
                }
            }
        }
        return out
    }

    /// Reverses each `unit`-byte group (big-endian samples to little endian, or back).
    static func swapBytes(_ src: inout [UInt8], unit: Int) {
        guard unit > 1 else { return }
        var i = 0
        while i + unit <= src.count {
            src[i..<(i + unit)].reverse()
            i += unit
        }
    }
}
