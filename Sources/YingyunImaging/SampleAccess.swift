/// Fast reads of a decoded frame's samples: one specialised loop per storage type instead of a
/// per-sample switch, and no intermediate [Int] copy of the frame (a 512² CT slice would be 2 MB).
enum SampleAccess {
    /// Calls `body(index, value)` for every sample, in order.
    @inline(__always)
    static func forEach(_ frame: DecodedFrame, _ body: (Int, Int) -> Void) {
        let n = frame.sampleCount
        frame.samples.withUnsafeBytes { raw in
            switch (frame.bytesPerSample, frame.isSigned) {
            case (1, false): each(raw, UInt8.self, n, body)
            case (1, true): each(raw, Int8.self, n, body)
            case (2, false): each(raw, UInt16.self, n, body)
            case (2, true): each(raw, Int16.self, n, body)
            case (_, false): each(raw, UInt32.self, n, body)
            default: each(raw, Int32.self, n, body)
            }
        }
    }

    @inline(__always)
    private static func each<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _: T.Type, _ n: Int, _ body: (Int, Int) -> Void) {
        let size = MemoryLayout<T>.size
        guard raw.count >= n * size else { return }
        for i in 0..<n { body(i, Int(T(littleEndian: raw.loadUnaligned(fromByteOffset: i * size, as: T.self)))) }
    }

    /// Smallest and largest sample; nil for an empty frame.
    static func range(_ frame: DecodedFrame) -> (lo: Int, hi: Int)? {
        guard frame.sampleCount > 0 else { return nil }
        var lo = Int.max, hi = Int.min
        forEach(frame) { _, v in
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        return (lo, hi)
    }

    /// How many samples hold each value in lo..<lo+span.
    static func histogram(_ frame: DecodedFrame, lo: Int, span: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: span)
        counts.withUnsafeMutableBufferPointer { c in forEach(frame) { _, v in c[min(max(v - lo, 0), span - 1)] += 1 } }
        return counts
    }

    /// `table[value - lo]` for every sample; values outside the table take its nearest end
    /// (the table may span only Bits Stored, and nothing here may read outside it).
    static func lookup(_ frame: DecodedFrame, lo: Int, table: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: frame.sampleCount) { out, initialized in
            let last = table.count - 1
            table.withUnsafeBufferPointer { t in forEach(frame) { i, v in out[i] = t[min(max(v - lo, 0), last)] } }
            initialized = frame.sampleCount
        }
    }

    /// Row by row, `table[value - lo]` for every sample of the row (clamped like `lookup`), in a
    /// reused buffer: a resize can consume rows without a full-size float copy of the frame.
    static func mappedRows(
        _ frame: DecodedFrame, width: Int, lo: Int, table: [Float], _ body: (Int, UnsafeBufferPointer<Float>) -> Void
    ) {
        let rows = width > 0 ? frame.sampleCount / width : 0
        var row = [Float](repeating: 0, count: width)
        let last = table.count - 1
        frame.samples.withUnsafeBytes { raw in
            table.withUnsafeBufferPointer { t in
                row.withUnsafeMutableBufferPointer { r in
                    func run<T: FixedWidthInteger>(_: T.Type) {
                        let size = MemoryLayout<T>.size
                        guard raw.count >= rows * width * size else { return }
                        for y in 0..<rows {
                            let base = y * width * size
                            for x in 0..<width {
                                let v = Int(T(littleEndian: raw.loadUnaligned(fromByteOffset: base + x * size, as: T.self)))
                                r[x] = t[min(max(v - lo, 0), last)]
                            }
                            body(y, UnsafeBufferPointer(r))
                        }
                    }
                    // 16-bit samples (CT, MR) get explicit loops over aligned words: the generic
                    // path costs several times more per sample.
                    if frame.bytesPerSample == 2, raw.count >= rows * width * 2 {
                        if frame.isSigned {
                            let words = raw.bindMemory(to: Int16.self)
                            for y in 0..<rows {
                                let base = y * width
                                for x in 0..<width { r[x] = t[min(max(Int(words[base + x]) - lo, 0), last)] }
                                body(y, UnsafeBufferPointer(r))
                            }
                        } else {
                            let words = raw.bindMemory(to: UInt16.self)
                            for y in 0..<rows {
                                let base = y * width
                                for x in 0..<width { r[x] = t[min(max(Int(words[base + x]) - lo, 0), last)] }
                                body(y, UnsafeBufferPointer(r))
                            }
                        }
                        return
                    }
                    switch (frame.bytesPerSample, frame.isSigned) {
                    case (1, false): run(UInt8.self)
                    case (1, true): run(Int8.self)
                    case (2, false): run(UInt16.self)
                    case (2, true): run(Int16.self)
                    case (_, false): run(UInt32.self)
                    default: run(Int32.self)
                    }
                }
            }
        }
    }
}
