import NIOCore

extension DataSetParser {
    /// Locates the items of encapsulated pixel data (PS3.5 §A.4): the Basic Offset Table is read,
    /// fragments are skipped (only their place is recorded), frames are assigned to fragments.
    mutating func parseEncapsulated(_ h: ElementHeader, _ enc: DataSetEncoding, limit: Int, in ds: DataSet) throws
        -> EncapsulatedPixelData
    {
        // Items of encapsulated pixel data are always little endian with a 32-bit length.
        let itemEncoding = DataSetEncoding(isExplicitVR: false, isLittleEndian: true)
        var offsetTable: [UInt64] = []
        var fragments: [EncapsulatedPixelData.Fragment] = []
        var itemStarts: [Int] = []
        var sawOffsetTable = false
        var valueEnd = limit
        var delimited = false
        while reader.position < limit {
            let item = try readHeader(itemEncoding, limit: limit)
            if item.tag == .sequenceDelimitationItem {
                valueEnd = item.offset
                delimited = true
                break
            }
            guard item.tag == .item else {
                throw error(.invalidItem, item.offset, h.tag, "expected a pixel data item (FFFE,E000), found \(item.tag)")
            }
            guard !item.length.isUndefined else {
                throw error(.invalidItem, item.offset, h.tag, "pixel data item with undefined length")
            }
            let n = Int(item.length.rawValue)
            guard n <= limit - item.valueOffset else {
                throw error(limit == reader.end ? .truncated : .invalidLength, item.offset, h.tag,
                    "fragment length \(n) exceeds the \(limit - item.valueOffset) bytes left")
            }
            if !sawOffsetTable {
                sawOffsetTable = true
                guard n % 4 == 0 else {
                    throw error(.invalidItem, item.offset, h.tag, "Basic Offset Table length \(n) is not a multiple of 4")
                }
                guard let table = try reader.read(count: n) else {
                    throw error(.truncated, item.offset, h.tag, "input ends inside the Basic Offset Table")
                }
                offsetTable.reserveCapacity(n / 4)
                var i = table.readerIndex
                for _ in 0..<(n / 4) {
                    offsetTable.append(UInt64(table.getInteger(at: i, endianness: .little, as: UInt32.self) ?? 0))
                    i += 4
                }
            } else {
                fragments.append(.init(offset: item.valueOffset, length: n))
                itemStarts.append(item.offset)
                reader.position = item.valueOffset + n
            }
        }
        if !delimited {
            warn(.missingSequenceDelimiter, reader.position, h.tag, "encapsulated pixel data ends without a delimiter")
            valueEnd = reader.position
        }
        let (frames, source) = try assignFrames(
            offsetTable: offsetTable, fragments: fragments, itemStarts: itemStarts, in: ds, tag: h.tag)
        return EncapsulatedPixelData(
            basicOffsetTable: offsetTable, fragments: fragments, frames: frames, frameSource: source,
            valueOffset: h.valueOffset, valueLength: valueEnd - h.valueOffset)
    }

    /// Decides which fragments make up each frame (PS3.5 §A.4: Basic or Extended Offset Table,
    /// else one frame, else one fragment per frame, else frame starts found by codestream markers).
    mutating func assignFrames(
        offsetTable: [UInt64], fragments: [EncapsulatedPixelData.Fragment], itemStarts: [Int], in ds: DataSet, tag: Tag
    ) throws -> ([Range<Int>], EncapsulatedPixelData.FrameSource) {
        guard !fragments.isEmpty else { return ([], .unknown) }
        let declared = max(1, ds[.numberOfFrames]?.intValue ?? 1)
        let firstItem = itemStarts[0]

        func frames(from offsets: [UInt64]) -> [Range<Int>]? {
            var index: [Int: Int] = [:]
            for (i, start) in itemStarts.enumerated() { index[start - firstItem] = i }
            var starts: [Int] = []
            for o in offsets {
                guard o <= UInt64(Int.max), let i = index[Int(o)] else { return nil }
                if let last = starts.last, i <= last { return nil }
                starts.append(i)
            }
            guard starts.first == 0 else { return nil }
            return starts.indices.map { k in starts[k]..<(k + 1 < starts.count ? starts[k + 1] : fragments.count) }
        }

        if !offsetTable.isEmpty {
            if let f = frames(from: offsetTable) {
                if f.count != declared {
                    warn(.frameCountMismatch, firstItem, tag, "Basic Offset Table has \(f.count) frames, NumberOfFrames \(declared)")
                }
                return (f, .basicOffsetTable)
            }
            warn(.frameCountMismatch, firstItem, tag, "Basic Offset Table does not match the fragments; ignored")
        }
        if let eot = ds[.extendedOffsetTable] {
            let offsets = try extendedOffsets(eot)
            if !offsets.isEmpty, let f = frames(from: offsets) { return (f, .extendedOffsetTable) }
            warn(.frameCountMismatch, firstItem, tag, "Extended Offset Table does not match the fragments; ignored")
        }
        if declared == 1 { return ([0..<fragments.count], .singleFrame) }
        if fragments.count == declared { return (fragments.indices.map { $0..<($0 + 1) }, .oneFragmentPerFrame) }
        // Frame starts by marker: JPEG/JPEG-LS SOI (FFD8) or JPEG 2000 SOC (FF4F).
        var starts: [Int] = []
        for (i, fragment) in fragments.enumerated() where fragment.length >= 2 {
            let head = try reader.source.bytes(at: fragment.offset, count: 2)
            let b0 = head.getInteger(at: head.readerIndex, as: UInt8.self)
            let b1 = head.getInteger(at: head.readerIndex + 1, as: UInt8.self)
            if b0 == 0xFF && (b1 == 0xD8 || b1 == 0x4F) { starts.append(i) }
        }
        if starts.count == declared && starts.first == 0 {
            return (starts.indices.map { k in starts[k]..<(k + 1 < starts.count ? starts[k + 1] : fragments.count) },
                .jpegMarkers)
        }
        warn(.frameCountMismatch, firstItem, tag,
            "cannot assign \(fragments.count) fragments to \(declared) frames")
        return ([], .unknown)
    }

    /// The 64-bit offsets of an Extended Offset Table (7FE0,0001), PS3.3 C.7.6.3.1.8.
    mutating func extendedOffsets(_ e: DataElement) throws -> [UInt64] {
        switch e.value {
        case .bytes: return e.uint64Values
        case .bulkData(let ref):
            let b = try reader.source.bytes(at: ref.offset, count: ref.length)
            return DataElement(tag: e.tag, vr: .OV, bytes: b).uint64Values
        default: return []
        }
    }
}
