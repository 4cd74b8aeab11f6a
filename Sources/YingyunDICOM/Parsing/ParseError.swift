/// A failure to read DICOM: what went wrong, at which byte offset and in which element.
///
/// Shaped like NIO's `FileSystemError`: `Code` wraps a private enum so cases can be added later.
public struct DICOMParseError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case truncated, invalidVR, invalidLength, invalidItem, nestingTooDeep, notDICOM, invalidMeta,
                deflate, tooLarge
        }
        private let wrapped: Wrapped
        private init(_ w: Wrapped) { wrapped = w }

        /// The input ended inside an element header or value.
        public static let truncated = Code(.truncated)
        /// An explicit VR header holds two bytes that name no VR.
        public static let invalidVR = Code(.invalidVR)
        /// A length is impossible: beyond the input, beyond its container, or undefined where not allowed.
        public static let invalidLength = Code(.invalidLength)
        /// A sequence or pixel-data item is malformed (wrong tag, bad delimiter).
        public static let invalidItem = Code(.invalidItem)
        /// Sequences nest deeper than `ParseOptions.maximumDepth`.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// The input is not DICOM at all.
        public static let notDICOM = Code(.notDICOM)
        /// The File Meta Information group is unusable.
        public static let invalidMeta = Code(.invalidMeta)
        /// The deflated data set could not be inflated.
        public static let deflate = Code(.deflate)
        /// A value or element count exceeds the parser's resource limits.
        public static let tooLarge = Code(.tooLarge)

        public var description: String { wrapped.rawValue }
    }

    public var code: Code
    /// Absolute byte offset in the source where the problem was found.
    public var offset: Int
    /// The element being read, when known.
    public var tag: Tag?
    public var message: String

    public init(code: Code, offset: Int, tag: Tag?, message: String) {
        self.code = code
        self.offset = offset
        self.tag = tag
        self.message = message
    }

    public var description: String {
        var s = "\(code) at offset \(offset)"
        if let tag { s += " in \(tag)" }
        return s + ": " + message
    }
}

/// Something the lenient parser recovered from (STYLE §6: lenient when reading).
public struct ParseWarning: Sendable, Hashable, CustomStringConvertible {
    public enum Issue: String, Sendable, Hashable {
        case missingPreamble, missingFileMeta, oddLength, vrMismatch, unknownVR, duplicateTag, outOfOrderTag,
            implicitVRInExplicit, explicitVRInImplicit, trailingBytes, unknownCharacterSet, characterSetFallback,
            metaGroupLength, undefinedLengthNonSequence, unknownTransferSyntax, frameCountMismatch,
            missingSequenceDelimiter, invalidSequenceLength
    }
    public var offset: Int
    public var tag: Tag?
    public var issue: Issue
    public var message: String

    public init(offset: Int, tag: Tag?, issue: Issue, message: String) {
        self.offset = offset
        self.tag = tag
        self.issue = issue
        self.message = message
    }

    public var description: String {
        var s = "\(issue.rawValue) at offset \(offset)"
        if let tag { s += " in \(tag)" }
        return s + ": " + message
    }
}
