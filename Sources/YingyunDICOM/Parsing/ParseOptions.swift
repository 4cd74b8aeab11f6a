/// What the parser reads and how much it trusts the input.
public struct ParseOptions: Sendable {
    /// Stop at the top-level Pixel Data (7FE0,0010) (and float/double pixel data) without reading it.
    public var stopBeforePixelData: Bool = false
    /// Values of at least this many bytes are not copied: they become `.bulkData` references.
    /// Only VRs that carry opaque binary data (OB, OW, OF, OD, OL, OV, UN) and long text are deferred.
    public var bulkDataThreshold: Int = 64 * 1024
    /// Deepest sequence nesting accepted; deeper input is an error, not a stack overflow.
    public var maximumDepth: Int = 64
    /// Largest value accepted when the source size is unknown (never allocate beyond the input).
    public var maximumInflatedSize: Int = 1 << 30
    /// Warn when an explicit VR disagrees with the dictionary (costs one dictionary look-up per element).
    public var checkVRAgainstDictionary: Bool = true

    public init(stopBeforePixelData: Bool = false, bulkDataThreshold: Int = 64 * 1024) {
        self.stopBeforePixelData = stopBeforePixelData
        self.bulkDataThreshold = bulkDataThreshold
    }
}
