/// How encapsulated pixel data is laid out when written (PS3.5 §A.4): the Basic Offset Table to
/// write and each fragment's padded length.
struct EncapsulatedLayout {
    /// Basic Offset Table entries: byte offsets of each frame's first fragment item, counted from the
    /// first byte of the first fragment item's tag (PS3.5 §A.4, Table A.4-1).
    var basicOffsetTable: [UInt32]
    /// Fragment lengths padded to even length: fragments are items, whose lengths must be even.
    var paddedFragmentLengths: [Int]

    /// Length of the value up to the Sequence Delimitation Item: offset table item and fragment items.
    var valueLength: Int {
        var total = DataSetWriter.itemHeaderLength + 4 * basicOffsetTable.count
        for length in paddedFragmentLengths { total += DataSetWriter.itemHeaderLength + length }
        return total
    }

    /// - Throws: `.valueTooLong` for a fragment longer than an item length can hold.
    init(_ pixels: EncapsulatedPixelData, tag: Tag) throws {
        var padded: [Int] = []
        padded.reserveCapacity(pixels.fragments.count)
        var anyOdd = false
        for fragment in pixels.fragments {
            let p = fragment.length + (fragment.length & 1)
            guard fragment.length >= 0, p <= 0xFFFF_FFFE else {
                throw DICOMWriteError(
                    code: .valueTooLong, tag: tag, message: "a \(fragment.length)-byte fragment does not fit an item")
            }
            anyOdd = anyOdd || p != fragment.length
            padded.append(p)
        }
        paddedFragmentLengths = padded
        basicOffsetTable = EncapsulatedLayout.offsetTable(pixels, paddedLengths: padded, anyOdd: anyOdd)
    }

    /// The table is kept as it was when the fragments are unchanged. When padding moved fragments it
    /// is recomputed from the frame → fragment map, if that covers the same frames; otherwise it is
    /// left empty, which PS3.5 §A.4 allows and which never points at wrong bytes.
    private static func offsetTable(_ pixels: EncapsulatedPixelData, paddedLengths: [Int], anyOdd: Bool) -> [UInt32] {
        let table = pixels.basicOffsetTable
        if table.isEmpty { return [] }
        if !anyOdd {
            let narrow = table.compactMap { UInt32(exactly: $0) }
            return narrow.count == table.count ? narrow : []
        }
        guard pixels.frames.count == table.count else { return [] }
        var itemStarts: [Int] = []
        itemStarts.reserveCapacity(paddedLengths.count)
        var position = 0
        for length in paddedLengths {
            itemStarts.append(position)
            position += DataSetWriter.itemHeaderLength + length
        }
        var result: [UInt32] = []
        for frame in pixels.frames {
            guard itemStarts.indices.contains(frame.lowerBound),
                let offset = UInt32(exactly: itemStarts[frame.lowerBound])
            else { return [] }
            result.append(offset)
        }
        return result
    }
}
