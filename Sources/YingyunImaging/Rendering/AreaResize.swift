/// Area-averaging resampling: each output pixel is the mean of the source area it covers, with
/// partial source pixels weighted by their overlap. Down-scaling never skips pixels (no aliasing
/// of thin structures); up-scaling blends at most two source pixels per axis.
enum AreaResize {
    /// Resizes `channels`-interleaved samples from `width`×`height` to `newWidth`×`newHeight`.
    static func resize(_ src: [Float], width: Int, height: Int, channels: Int, newWidth: Int, newHeight: Int) -> [Float] {
        if width == newWidth && height == newHeight { return src }
        let horizontal = axis(from: width, to: newWidth)
        var mid = [Float](repeating: 0, count: newWidth * height * channels)
        for y in 0..<height {
            let row = y * width * channels, outRow = y * newWidth * channels
            for (x, taps) in horizontal.enumerated() {
                for c in 0..<channels {
                    var sum: Float = 0
                    for t in taps { sum += src[row + t.index * channels + c] * t.weight }
                    mid[outRow + x * channels + c] = sum
                }
            }
        }
        let vertical = axis(from: height, to: newHeight)
        var out = [Float](repeating: 0, count: newWidth * newHeight * channels)
        let stride = newWidth * channels
        for (y, taps) in vertical.enumerated() {
            for i in 0..<stride {
                var sum: Float = 0
                for t in taps { sum += mid[t.index * stride + i] * t.weight }
                out[y * stride + i] = sum
            }
        }
        return out
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
