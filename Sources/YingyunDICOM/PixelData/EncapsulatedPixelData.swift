/// Encapsulated pixel data located in its source (PS3.5 §A.4): the Basic Offset Table, each
/// fragment's place and the fragments that make up each frame. Nothing is copied or decoded.
public struct EncapsulatedPixelData: Sendable, Hashable {
    /// One fragment item: where its bytes are in the source.
    public struct Fragment: Sendable, Hashable {
        /// Absolute offset of the fragment's first byte (after its 8-byte item header).
        public var offset: Int
        public var length: Int
        public init(offset: Int, length: Int) {
            self.offset = offset
            self.length = length
        }
    }

    /// Offsets from the Basic Offset Table item (empty when the table is empty).
    public var basicOffsetTable: [UInt64]
    /// Fragments in order, excluding the offset table item.
    public var fragments: [Fragment]
    /// For each frame, the range of `fragments` indices holding it.
    public var frames: [Range<Int>]
    /// How `frames` was determined.
    public var frameSource: FrameSource
    /// Absolute offset of the first value byte (the Basic Offset Table item header).
    public var valueOffset: Int
    /// Length of the value up to, not including, the Sequence Delimitation Item.
    public var valueLength: Int

    public enum FrameSource: String, Sendable, Hashable {
        case basicOffsetTable, extendedOffsetTable, singleFrame, oneFragmentPerFrame, jpegMarkers, unknown
    }

    public init(
        basicOffsetTable: [UInt64], fragments: [Fragment], frames: [Range<Int>], frameSource: FrameSource,
        valueOffset: Int, valueLength: Int
    ) {
        self.basicOffsetTable = basicOffsetTable
        self.fragments = fragments
        self.frames = frames
        self.frameSource = frameSource
        self.valueOffset = valueOffset
        self.valueLength = valueLength
    }

    /// The byte ranges (absolute offsets in the source) that hold frame `index`, in order.
    public func frameByteRanges(_ index: Int) -> [Range<Int>] {
        guard frames.indices.contains(index) else { return [] }
        return frames[index].map { fragments[$0].offset..<(fragments[$0].offset + fragments[$0].length) }
    }
}
