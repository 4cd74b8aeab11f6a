/// Area-averaging resampling: each output pixel is the mean of the source area it covers, with
/// partial source pixels weighted by their overlap. Down-scaling never skips pixels (no aliasing
/// of thin structures); up-scaling blends at most two source pixels per axis.
enum AreaResize {
    /// Resizes `channels`-interleaved samples from `width`×`height` to `newWidth`×`newHeight`.
    static func resize(_ src: [Float], width: Int, height: Int, channels: Int, newWidth: Int, newHeight: Int) -> [Float] {
        if width == newWidth && height == newHeight { return src }
        let horizontal = Taps(axis(from: width, to: newWidth))
        let rowLength = newWidth * channels
        let mid = [Float](unsafeUninitializedCapacity: rowLength * height) { m, done in
            src.withUnsafeBufferPointer { s in
                for y in 0..<height {
                    let row = y * width * channels, outRow = y * rowLength
                    for x in 0..<newWidth {
                        for c in 0..<channels {
                            var sum: Float = 0
                            for k in horizontal.start[x]..<horizontal.start[x + 1] {
                                sum += s[row + horizontal.index[k] * channels + c] * horizontal.weight[k]
                            }
                            m[outRow + x * channels + c] = sum
                        }
                    }
                }
            }
            done = rowLength * height
        }
        let vertical = Taps(axis(from: height, to: newHeight))
        return [Float](unsafeUninitializedCapacity: rowLength * newHeight) { out, done in
            mid.withUnsafeBufferPointer { m in
                for y in 0..<newHeight {
                    let o = y * rowLength
                    for i in 0..<rowLength { out[o + i] = 0 }
                    for k in vertical.start[y]..<vertical.start[y + 1] {
                        let r = vertical.index[k] * rowLength, w = vertical.weight[k]
                        for i in 0..<rowLength { out[o + i] += m[r + i] * w }
                    }
                }
            }
            done = rowLength * newHeight
        }
    }

    /// Resizes one-channel rows produced by `rows` (called once, handing out rows 0..<height in
    /// order) without holding the full-size image: the horizontal pass consumes each row as it comes.
    static func resize(
        width: Int, height: Int, newWidth: Int, newHeight: Int,
        rows: ((Int, UnsafeBufferPointer<Float>) -> Void) -> Void
    ) -> [Float] {
        let horizontal = Taps(axis(from: width, to: newWidth))
        var mid = [Float](repeating: 0, count: newWidth * height)
        mid.withUnsafeMutableBufferPointer { m in
            rows { y, row in
                let out = y * newWidth
                for x in 0..<newWidth {
                    var sum: Float = 0
                    for k in horizontal.start[x]..<horizontal.start[x + 1] { sum += row[horizontal.index[k]] * horizontal.weight[k] }
                    m[out + x] = sum
                }
            }
        }
        return resize(mid, width: newWidth, height: height, channels: 1, newWidth: newWidth, newHeight: newHeight)
    }

    /// Shrinks by whole-number factors (512 → 128 is 4 × 4), the usual thumbnail case: each output
    /// pixel is the plain mean of its block, summed as the rows arrive — no tap tables and no
    /// intermediate image (the general path costs about twice as much per sample).
    static func boxReduce(
        width: Int, height: Int, factorX fx: Int, factorY fy: Int,
        rows: ((Int, UnsafeBufferPointer<Float>) -> Void) -> Void
    ) -> [Float] {
        let newWidth = width / fx, newHeight = height / fy
        var out = [Float](repeating: 0, count: newWidth * newHeight)
        out.withUnsafeMutableBufferPointer { o in
            rows { y, row in
                let oy = y / fy
                guard oy < newHeight, row.count >= newWidth * fx else { return }
                let base = oy * newWidth
                for x in 0..<newWidth {
                    var sum: Float = 0
                    for k in (x * fx)..<(x * fx + fx) { sum += row[k] }
                    o[base + x] += sum
                }
            }
            let scale = 1 / Float(fx * fy)
            for i in 0..<o.count { o[i] *= scale }
        }
        return out
    }

    /// The taps of every output position flattened into three arrays (no array per position in
    /// the inner loops): position p uses index[start[p]..<start[p+1]] with the matching weights.
    private struct Taps {
        var start: [Int] = [0]
        var index: [Int] = []
        var weight: [Float] = []
        init(_ perPosition: [[(index: Int, weight: Float)]]) {
            for taps in perPosition {
                for t in taps {
                    index.append(t.index)
                    weight.append(t.weight)
                }
                start.append(index.count)
            }
        }
    }

    /// For each output position: the source indices it covers and their weights (summing to 1).
    private static func axis(from n: Int, to m: Int) -> [[(index: Int, weight: Float)]] {
        let scale = Double(n) / Double(m)
        return (0..<m).map { o in
            let start = Double(o) * scale, end = Double(o + 1) * scale
            var taps: [(Int, Float)] = []
            var i = Int(start.rounded(.down))
            while Double(i) < end && i < n {
                let overlap = min(end, Double(i + 1)) - max(start, Double(i))
                if overlap > 1e-9 { taps.append((i, Float(overlap / scale))) }
                i += 1
            }
            return taps
        }
    }
}
