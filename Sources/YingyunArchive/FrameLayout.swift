import NIOCore
public import YingyunDICOM

/// Where each frame's bytes are in a stored object, computed once at ingest so frames are served
/// by offset without re-parsing (PS3.5 §8.1.1 for native data, §A.4 for encapsulated).
public enum FrameLayout {
    /// Frame byte ranges and the Pixel Data value offset; empty when the object has no top-level
    /// pixel data or its offsets do not refer to the stored bytes (deflated transfer syntax).
    /// - Parameter inflated: for a deflated object, give offsets into its inflated data set
    ///   (`file.valueSource`) instead of none.
    public static func frames(of file: DICOMFile, inflated: Bool = false) -> (pixelDataOffset: Int?, frames: [[Range<Int>]]) {
        if file.transferSyntax.isDeflated && !inflated { return (nil, []) }
        let ds = file.dataSet
        guard let pixel = ds[.pixelData] ?? ds[.floatPixelData] ?? ds[Tag(rawValue: 0x7FE0_0009)] else {
            return (nil, [])
        }
        switch pixel.value {
        case .encapsulated(let e):
            let ranges = (0..<e.frames.count).map { e.frameByteRanges($0) }
            return (e.valueOffset, ranges)
        case .bulkData(let ref):
            return (ref.offset, nativeFrames(ds, valueOffset: ref.offset, valueLength: ref.length))
        case .bytes(let b):
            // Small pixel data below the bulk threshold: its offset is the element's value offset.
            guard pixel.valueOffset >= 0 else { return (nil, []) }
            return (pixel.valueOffset, nativeFrames(ds, valueOffset: pixel.valueOffset, valueLength: b.readableBytes))
        case .sequence:
            return (nil, [])
        }
    }

    static func nativeFrames(_ ds: DataSet, valueOffset: Int, valueLength: Int) -> [[Range<Int>]] {
        let rows = ds[.rows]?.intValue ?? 0
        let columns = ds[.columns]?.intValue ?? 0
        let samples = ds[.samplesPerPixel]?.intValue ?? 1
        let bits = ds[.bitsAllocated]?.intValue ?? 0
        let count = max(1, ds[.numberOfFrames]?.intValue ?? 1)
        let frameBits = rows * columns * samples * bits
        guard frameBits > 0 else { return [] }
        if count == 1 { return [[valueOffset..<(valueOffset + min(valueLength, (frameBits + 7) / 8))]] }
        // 1-bit frames that do not end on a byte boundary cannot be cut by byte ranges.
        guard frameBits % 8 == 0 else { return [] }
        let frameBytes = frameBits / 8
        guard frameBytes * count <= valueLength else { return [] }
        return (0..<count).map { i in
            let start = valueOffset + i * frameBytes
            return [start..<(start + frameBytes)]
        }
    }
}
