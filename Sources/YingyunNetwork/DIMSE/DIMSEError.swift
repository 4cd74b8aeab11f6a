/// A DIMSE-level failure on an association (PS3.7): malformed commands, messages on contexts
/// that were not accepted, limits exceeded. The association is aborted on these.
public struct DIMSEError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case malformedCommand, unknownPresentationContext, unexpectedFragment, commandTooLarge
            case associationRejected, associationAborted, unexpectedPDU, connectionClosed, timeout
            case noAcceptedContext, invalidAETitle
        }
        private let value: Value
        public static let malformedCommand = Code(value: .malformedCommand)
        public static let unknownPresentationContext = Code(value: .unknownPresentationContext)
        /// A data set fragment where a command was expected, or interleaved messages.
        public static let unexpectedFragment = Code(value: .unexpectedFragment)
        public static let commandTooLarge = Code(value: .commandTooLarge)
        public static let associationRejected = Code(value: .associationRejected)
        public static let associationAborted = Code(value: .associationAborted)
        public static let unexpectedPDU = Code(value: .unexpectedPDU)
        public static let connectionClosed = Code(value: .connectionClosed)
        public static let timeout = Code(value: .timeout)
        /// The peer accepted no presentation context usable for the request.
        public static let noAcceptedContext = Code(value: .noAcceptedContext)
        public static let invalidAETitle = Code(value: .invalidAETitle)
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
