/// The header of one encoded data element or item, as found in the source.
struct ElementHeader {
    var tag: Tag
    /// The explicit VR, or nil for implicit VR and for items/delimiters.
    var vr: VR?
    var length: Length
    /// Absolute offset of the header's first byte.
    var offset: Int
    /// Absolute offset of the first value byte.
    var valueOffset: Int
    /// The two VR bytes did not name a known VR (explicit VR only).
    var unknownVRBytes: (UInt8, UInt8)?
}

/// How a data set is encoded: explicit or implicit VR, and byte order (PS3.5 §7.1, §7.3).
struct DataSetEncoding: Equatable {
    var isExplicitVR: Bool
    var isLittleEndian: Bool

    static let implicitLittle = DataSetEncoding(isExplicitVR: false, isLittleEndian: true)
    static let explicitLittle = DataSetEncoding(isExplicitVR: true, isLittleEndian: true)

    init(isExplicitVR: Bool, isLittleEndian: Bool) {
        self.isExplicitVR = isExplicitVR
        self.isLittleEndian = isLittleEndian
    }

    init(_ ts: TransferSyntax) {
        self.init(isExplicitVR: ts.isExplicitVR, isLittleEndian: ts.isLittleEndian)
    }
}
