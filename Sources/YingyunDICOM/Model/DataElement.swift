public import NIOCore

/// One data element as read: tag, VR, the length found in the source and its value.
///
/// Like pydicom's raw element, the value is kept as bytes and interpreted on access
/// (see `DataElement+Values.swift`), so parsing never decodes what nobody reads.
public struct DataElement: Sendable {
    public var tag: Tag
    public var vr: VR
    /// The length field as found in the source (may be `.undefined` for SQ, UN and pixel data).
    public var length: Length
    public var value: ElementValue
    /// Absolute byte offset of the first value byte in the parsed source; -1 for built elements.
    public var valueOffset: Int

    public init(tag: Tag, vr: VR, length: Length, value: ElementValue, valueOffset: Int = -1) {
        self.tag = tag
        self.vr = vr
        self.length = length
        self.value = value
        self.valueOffset = valueOffset
    }

    /// A primitive element built from little-endian value bytes (writer-side construction).
    public init(tag: Tag, vr: VR, bytes: ByteBuffer) {
        self.init(tag: tag, vr: vr, length: Length(UInt32(bytes.readableBytes)), value: .bytes(bytes))
    }

    /// A sequence element built from items.
    public init(tag: Tag, items: [DataSet]) {
        self.init(tag: tag, vr: .SQ, length: .undefined, value: .sequence(items))
    }
}

/// The value of a data element.
public enum ElementValue: Sendable {
    /// The value bytes. Multi-byte binary values are always little endian here, whatever the
    /// source's byte order: the parser swaps explicit-VR big-endian values as it reads them.
    case bytes(ByteBuffer)
    /// A sequence of items, each a data set (PS3.5 §7.5).
    case sequence([DataSet])
    /// Encapsulated pixel data: fragments located, not copied or decoded (PS3.5 §A.4).
    case encapsulated(EncapsulatedPixelData)
    /// A value larger than the parse threshold, left in the source (pydicom's `defer_size`).
    case bulkData(BulkDataReference)
}

/// A value left in its source: where it is and how to read it back.
public struct BulkDataReference: Sendable, Hashable {
    /// Absolute offset of the value's first byte in the source the parser read.
    public var offset: Int
    /// Length in bytes.
    public var length: Int
    /// Byte order of the value in the source (big endian only for the retired Explicit VR BE).
    public var isLittleEndian: Bool

    public init(offset: Int, length: Int, isLittleEndian: Bool = true) {
        self.offset = offset
        self.length = length
        self.isLittleEndian = isLittleEndian
    }
}
