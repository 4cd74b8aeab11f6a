/// A data set that cannot be written as conformant DICOM (STYLE §6: strict when writing).
///
/// Shaped like `DICOMParseError`: `Code` wraps a private enum so cases can be added later.
/// Errors thrown by the caller's sink or byte source are passed through unchanged.
public struct DICOMWriteError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case unsupportedTransferSyntax, invalidTag, invalidValue, valueTooLong, missingBulkDataSource,
                bulkDataUnavailable, encapsulationMismatch, missingAttribute, deflate
        }
        private let wrapped: Wrapped
        private init(_ w: Wrapped) { wrapped = w }

        /// The writer cannot produce this transfer syntax (big endian is retired and not written).
        public static let unsupportedTransferSyntax = Code(.unsupportedTransferSyntax)
        /// A tag that may not appear where it is: item and delimitation tags (group FFFE) as data
        /// elements, command (0000) or file meta (0002) elements in a data set, non-0002 elements in the
        /// file meta group, or the illegal groups 0001, 0003, 0005, 0007 and FFFF (PS3.5 §7.1, §7.8.1).
        public static let invalidTag = Code(.invalidTag)
        /// A value that does not fit its VR: a length that is not a multiple of the VR's value size, a
        /// sequence value under a VR other than SQ or UN, non-empty bytes under SQ.
        public static let invalidValue = Code(.invalidValue)
        /// A value longer than its length field can hold (16-bit explicit VR lengths, PS3.5 §7.1.2),
        /// or a group longer than a group length can describe.
        public static let valueTooLong = Code(.valueTooLong)
        /// A `.bulkData` value or an encapsulated fragment was met but no byte source was given.
        public static let missingBulkDataSource = Code(.missingBulkDataSource)
        /// The byte source ended before a referenced value did.
        public static let bulkDataUnavailable = Code(.bulkDataUnavailable)
        /// Encapsulated pixel data under a native transfer syntax, or native top-level pixel data under an
        /// encapsulated one (PS3.5 §A.4).
        public static let encapsulationMismatch = Code(.encapsulationMismatch)
        /// A Type 1 file meta element cannot be filled in (PS3.10 §7.1).
        public static let missingAttribute = Code(.missingAttribute)
        /// zlib failed while deflating the data set.
        public static let deflate = Code(.deflate)

        public var description: String { wrapped.rawValue }
    }

    public var code: Code
    /// The element being written, when known.
    public var tag: Tag?
    public var message: String

    public init(code: Code, tag: Tag?, message: String) {
        self.code = code
        self.tag = tag
        self.message = message
    }

    public var description: String {
        var s = code.description
        if let tag { s += " in \(tag)" }
        return s + ": " + message
    }
}
