/// What the DICOM JSON encoder knows about a value it may replace by a "BulkDataURI"
/// (PS3.18 §F.2.6); handed to the caller's URI closure.
public struct BulkDataContext: Sendable {
    /// One step from the top-level data set down to the element: a sequence and an item in it.
    public struct PathComponent: Sendable, Hashable {
        /// The sequence attribute.
        public var tag: Tag
        /// Zero-based index of the item within that sequence.
        public var itemIndex: Int
        public init(tag: Tag, itemIndex: Int) {
            self.tag = tag
            self.itemIndex = itemIndex
        }
    }

    /// Enclosing sequences and items, outermost first; empty for a top-level attribute.
    public var path: [PathComponent]
    public var tag: Tag
    public var vr: VR
    /// Length of the value in bytes (for encapsulated pixel data: the whole encapsulated value,
    /// up to but not including the Sequence Delimitation Item).
    public var length: Int
    /// Absolute offset of the value's first byte in the source; -1 for built elements.
    public var valueOffset: Int

    public init(path: [PathComponent], tag: Tag, vr: VR, length: Int, valueOffset: Int) {
        self.path = path
        self.tag = tag
        self.vr = vr
        self.length = length
        self.valueOffset = valueOffset
    }
}
