/// Colour-space conversions to RGB (PS3.3 C.7.6.3.1.2).
enum ColorConversion {
    /// YBR_FULL to RGB for 8-bit samples, with the coefficients of ISO/IEC 10918-5 §7 computed in
    /// single precision and rounded half up, as pydicom does, so results match it exactly.
    static func ybrFullToRGB(_ samples: inout [UInt8]) {
        let crToR: Float = 1.402
        let cbToG: Float = Float(-0.114 * 1.772 / 0.587)
        let crToG: Float = Float(-0.299 * 1.402 / 0.587)
        let cbToB: Float = 1.772
        let n = samples.count / 3
        samples.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let y = Float(p[3 * i]), cb = Float(p[3 * i + 1]) - 128, cr = Float(p[3 * i + 2]) - 128
                let r = y + crToR * cr
                let g = y + cbToG * cb + crToG * cr
                let b = y + cbToB * cb
                p[3 * i] = clamp(r)
                p[3 * i + 1] = clamp(g)
                p[3 * i + 2] = clamp(b)
            }
        }
    }

    @inline(__always)
    private static func clamp(_ v: Float) -> UInt8 {
        let r = (v + 0.5).rounded(.down)
        return r <= 0 ? 0 : (r >= 255 ? 255 : UInt8(r))
    }

    /// Expands YBR_FULL_422 native data (Y1 Y2 Cb Cr per pixel pair) to YBR_FULL (three samples
    /// per pixel), PS3.3 C.7.6.3.1.2. Each row has an even number of columns by definition.
    static func expandYBR422(_ src: [UInt8], pixels: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixels * 3)
        var i = 0, o = 0
        while i + 3 < src.count && o + 5 < out.count {
            let y1 = src[i], y2 = src[i + 1], cb = src[i + 2], cr = src[i + 3]
            out[o] = y1; out[o + 1] = cb; out[o + 2] = cr
            out[o + 3] = y2; out[o + 4] = cb; out[o + 5] = cr
            i += 4
            o += 6
        }
        return out
    }

    /// Maps palette indices through the Palette Color LUT to RGB with 8- or 16-bit entries.
    static func applyPalette(_ frame: DecodedFrame, _ lut: PaletteColorLUT) -> DecodedFrame {
        let n = frame.rows * frame.columns
        let outBytes = lut.entryBits == 8 ? 1 : 2
        var out = [UInt8](repeating: 0, count: n * 3 * outBytes)
        for i in 0..<n {
            let k = lut.index(frame.sample(i))
            let rgb = [lut.red[k], lut.green[k], lut.blue[k]]
            for c in 0..<3 {
                let o = (i * 3 + c) * outBytes
                out[o] = UInt8(truncatingIfNeeded: rgb[c])
                if outBytes == 2 { out[o + 1] = UInt8(truncatingIfNeeded: rgb[c] >> 8) }
            }
        }
        return DecodedFrame(
            rows: frame.rows, columns: frame.columns, samplesPerPixel: 3, bytesPerSample: outBytes,
            bitsStored: lut.entryBits, isSigned: false, photometricInterpretation: .rgb, samples: out)
    }
}
