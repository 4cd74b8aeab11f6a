import NIOCore
import YingyunDICOM

/// The Palette Color Lookup Table (PS3.3 C.7.6.3.1.5–6), from normal or segmented LUT data (C.7.9).
public struct PaletteColorLUT: Sendable, Hashable {
    /// Entries of each channel; all three have the same count.
    public var red: [UInt16]
    public var green: [UInt16]
    public var blue: [UInt16]
    /// The stored pixel value mapped to the first entry (values below map to it, above the last to the last).
    public var firstMapped: Int
    /// Bits per entry of the output: 8 when the data holds one byte per entry, else 16.
    public var entryBits: Int

    public init(red: [UInt16], green: [UInt16], blue: [UInt16], firstMapped: Int, entryBits: Int) {
        self.red = red
        self.green = green
        self.blue = blue
        self.firstMapped = firstMapped
        self.entryBits = entryBits
    }

    /// Reads the descriptors and the normal or segmented data of the three channels.
    /// - Throws: `ImagingError` when descriptors or data are missing or inconsistent.
    init(dataSet ds: DataSet, source: (any ByteSource)?) throws {
        guard let descriptor = ds[.redPaletteColorLookupTableDescriptor] else {
            throw ImagingError(.missingAttribute, "PALETTE COLOR without Red Palette Color Lookup Table Descriptor")
        }
        let d = try ElementBytes.words(of: descriptor, source: source)
        guard d.count >= 3 else { throw ImagingError(.invalidAttribute, "palette descriptor has \(d.count) values") }
        let entries = d[0] == 0 ? 65536 : Int(d[0])
        // The first mapped value is SS when pixel values are signed (C.7.6.3.1.5).
        firstMapped = descriptor.vr == .SS ? Int(Int16(bitPattern: d[1])) : Int(d[1])
        let nominalBits = Int(d[2])
        guard nominalBits == 8 || nominalBits == 16 else {
            throw ImagingError(.invalidAttribute, "palette entries of \(nominalBits) bits (8 or 16 allowed)")
        }

        let normal: [Tag] = [.redPaletteColorLookupTableData, .greenPaletteColorLookupTableData, .bluePaletteColorLookupTableData]
        let segmented: [Tag] = [
            .segmentedRedPaletteColorLookupTableData, .segmentedGreenPaletteColorLookupTableData,
            .segmentedBluePaletteColorLookupTableData,
        ]
        var channels: [[UInt16]] = []
        if let first = ds[normal[0]] {
            // Entries are normally 16-bit words; some writers pack 8-bit entries one per byte.
            let size = try ElementBytes.bytes(of: first, source: source).readableBytes
            let bytesPerEntry = size >= entries * 2 ? 2 : 1
            entryBits = bytesPerEntry * 8
            for tag in normal {
                guard let e = ds[tag] else { throw ImagingError(.missingAttribute, "no \(tag) palette data") }
                if bytesPerEntry == 2 {
                    channels.append(Array(try ElementBytes.words(of: e, source: source).prefix(entries)))
                } else {
                    let b = try ElementBytes.bytes(of: e, source: source)
                    channels.append(b.readableBytesView.prefix(entries).map { UInt16($0) })
                }
            }
        } else if ds[segmented[0]] != nil {
            entryBits = nominalBits
            for tag in segmented {
                guard let e = ds[tag] else { throw ImagingError(.missingAttribute, "no \(tag) segmented palette data") }
                let data: [Int]
                if nominalBits == 16 {
                    data = try ElementBytes.words(of: e, source: source).map(Int.init)
                } else {
                    data = try ElementBytes.bytes(of: e, source: source).readableBytesView.map(Int.init)
                }
                var lut: [Int] = []
                try PaletteColorLUT.expandSegments(data, from: 0, into: &lut, maxSegments: nil, depth: 0)
                channels.append(lut.prefix(entries).map { UInt16(clamping: $0) })
            }
        } else {
            throw ImagingError(.missingAttribute, "PALETTE COLOR without palette data")
        }
        guard channels.count == 3, channels[0].count > 0,
            channels[1].count == channels[0].count, channels[2].count == channels[0].count
        else {
            throw ImagingError(.invalidAttribute, "palette channels of \(channels.map(\.count)) entries")
        }
        red = channels[0]
        green = channels[1]
        blue = channels[2]
    }

    /// Expands segmented LUT data (C.7.9.2): discrete (0), linear (1) and indirect (2) segments.
    static func expandSegments(_ data: [Int], from start: Int, into lut: inout [Int], maxSegments: Int?, depth: Int)
        throws
    {
        guard depth < 8 else { throw ImagingError(.invalidAttribute, "segmented palette: indirection too deep") }
        var i = start
        var segments = 0
        while i + 1 < data.count {
            let opcode = data[i], length = data[i + 1]
            i += 2
            switch opcode {
            case 0:
                guard i + length <= data.count else {
                    throw ImagingError(.invalidAttribute, "segmented palette: discrete segment past the end")
                }
                lut.append(contentsOf: data[i..<(i + length)])
                i += length
            case 1:
                guard let y0 = lut.last, i < data.count else {
                    throw ImagingError(.invalidAttribute, "segmented palette: linear segment without a start value")
                }
                let y1 = data[i]
                i += 1
                // Interpolate from the previous value to y1 over `length` entries, ending at y1.
                for k in 1...max(1, length) where length > 0 {
                    let v = Double(y0) + Double(y1 - y0) * Double(k) / Double(length)
                    lut.append(Int(v.rounded(.toNearestOrEven)))
                }
            case 2:
                guard !lut.isEmpty, i + 1 < data.count else {
                    throw ImagingError(.invalidAttribute, "segmented palette: indirect segment first or cut short")
                }
                // The offset is in bytes from the start of the data, as two 16-bit words (low first).
                let byteOffset = data[i] | data[i + 1] << 16
                i += 2
                let entryOffset = byteOffset / 2
                guard entryOffset < data.count else {
                    throw ImagingError(.invalidAttribute, "segmented palette: indirect offset \(byteOffset) past the end")
                }
                try expandSegments(data, from: entryOffset, into: &lut, maxSegments: length, depth: depth + 1)
            default:
                throw ImagingError(.invalidAttribute, "segmented palette: unknown segment type \(opcode)")
            }
            guard lut.count <= 65536 else { throw ImagingError(.invalidAttribute, "segmented palette over 65536 entries") }
            segments += 1
            if let maxSegments, segments == maxSegments { return }
        }
    }

    /// The entry index for a stored pixel value (clamped to the table).
    @inline(__always)
    func index(_ value: Int) -> Int {
        let i = value - firstMapped
        return i < 0 ? 0 : (i >= red.count ? red.count - 1 : i)
    }
}
