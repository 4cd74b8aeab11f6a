/// An error from the DICOM JSON encoder or decoder (PS3.18 Annex F).
///
/// Shaped like the parser's error: an extensible `Code`, where it happened and a message.
public struct DICOMJSONError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; a struct wrapping a private enum so cases can be added later.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformedJSON, nestingTooDeep, invalidAttribute, wrongType, invalidValue,
                bulkDataUnresolved, missingSource
        }
        private var base: Base
        private init(_ base: Base) { self.base = base }

        /// The input is not JSON (RFC 8259): truncated, bad escape, bad number, invalid UTF-8...
        public static let malformedJSON = Code(.malformedJSON)
        /// Arrays and objects nest deeper than the decoder's limit.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// An attribute key is not 8 hex digits, or its object has no valid "vr".
        public static let invalidAttribute = Code(.invalidAttribute)
        /// A JSON value has a type the DICOM JSON model does not allow there.
        public static let wrongType = Code(.wrongType)
        /// A value has the right JSON type but cannot be encoded in the VR (range, base64...).
        public static let invalidValue = Code(.invalidValue)
        /// A "BulkDataURI" was found and no resolver was given (or it failed).
        public static let bulkDataUnresolved = Code(.bulkDataUnresolved)
        /// The encoder needs value bytes left in the source, and no source was given.
        public static let missingSource = Code(.missingSource)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// Byte offset in the JSON input (decoder), or the element's value offset in the DICOM
    /// source (encoder; -1 when unknown).
    public var offset: Int
    /// The attribute being processed, when known.
    public var tag: Tag?
    public var message: String

    public init(code: Code, offset: Int, tag: Tag? = nil, message: String) {
        self.code = code
        self.offset = offset
        self.tag = tag
        self.message = message
    }

    public var description: String {
        var s = "DICOM JSON error (\(code)) at offset \(offset)"
        if let tag { s += " " + tag.description }
        return s + ": " + message
    }
}
