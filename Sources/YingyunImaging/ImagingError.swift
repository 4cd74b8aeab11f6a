/// Why pixel data could not be decoded or rendered. One error type for the module, shaped like
/// NIO's `FileSystemError`: an extensible code plus a message that names the cause.
public struct ImagingError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case unsupportedTransferSyntax, unsupportedImage, missingAttribute, invalidAttribute,
                noPixelData, truncatedPixelData, corruptCodestream, frameOutOfRange, tooLarge, encodingFailed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The transfer syntax has no decoder here.
        public static let unsupportedTransferSyntax = Code(.unsupportedTransferSyntax)
        /// The syntax is supported but this image uses a feature that is not (e.g. 12-bit lossy JPEG).
        public static let unsupportedImage = Code(.unsupportedImage)
        /// A Type 1 attribute of the Image Pixel Module is absent.
        public static let missingAttribute = Code(.missingAttribute)
        /// An attribute has a value the standard does not allow.
        public static let invalidAttribute = Code(.invalidAttribute)
        /// The data set has no Pixel Data (7FE0,0010).
        public static let noPixelData = Code(.noPixelData)
        /// Fewer pixel bytes than the attributes require.
        public static let truncatedPixelData = Code(.truncatedPixelData)
        /// A compressed frame is malformed or cut short.
        public static let corruptCodestream = Code(.corruptCodestream)
        /// The requested frame does not exist.
        public static let frameOutOfRange = Code(.frameOutOfRange)
        /// The image is larger than the configured limit.
        public static let tooLarge = Code(.tooLarge)
        /// An image encoder (PNG, JPEG) failed.
        public static let encodingFailed = Code(.encodingFailed)

        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
