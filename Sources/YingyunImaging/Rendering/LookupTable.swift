import NIOCore
public import YingyunDICOM

/// A LUT from a Modality LUT or VOI LUT Sequence item (PS3.3 C.11.1, C.11.2): LUT Descriptor
/// (entries, first mapped value, bits per entry) and LUT Data.
public struct LookupTable: Sendable, Hashable {
    public var firstMapped: Int
    public var bitsPerEntry: Int
    public var entries: [Int]

    public init(firstMapped: Int, bitsPerEntry: Int, entries: [Int]) {
        self.firstMapped = firstMapped
        self.bitsPerEntry = bitsPerEntry
        self.entries = entries
    }

    /// Reads the LUT of a sequence item; nil when the item has no descriptor or data.
    init?(item: DataSet, source: (any ByteSource)?, signedInput: Bool) throws {
        guard let descriptor = item[.lutDescriptor], let data = item[.lutData] else { return nil }
        let d = try ElementBytes.words(of: descriptor, source: source)
        guard d.count >= 3 else { throw ImagingError(.invalidAttribute, "LUT Descriptor with \(d.count) values") }
        let count = d[0] == 0 ? 65536 : Int(d[0])
        // The first mapped value is signed when the LUT's input is (C.11.1.1.1).
        firstMapped = signedInput || descriptor.vr == .SS ? Int(Int16(bitPattern: d[1])) : Int(d[1])
        bitsPerEntry = max(1, min(16, Int(d[2])))
        let raw = try ElementBytes.bytes(of: data, source: source)
        if bitsPerEntry <= 8 && raw.readableBytes == count {
            entries = raw.readableBytesView.map(Int.init)
        } else {
            entries = try ElementBytes.words(of: data, source: source).prefix(count).map(Int.init)
        }
        guard !entries.isEmpty else { throw ImagingError(.invalidAttribute, "empty LUT Data") }
    }

    /// The entry for input `x`: inputs below the first mapped value take the first entry, above the last the last.
    @inline(__always)
    public func callAsFunction(_ x: Double) -> Double {
        let i = Int(x.rounded(.down)) - firstMapped
        return Double(entries[i < 0 ? 0 : (i >= entries.count ? entries.count - 1 : i)])
    }

    /// Largest value an entry can hold (2^bits − 1).
    public var maximumOutput: Double { Double((1 << bitsPerEntry) - 1) }
}
