/// A byte stream that is not a valid sequence of DICOM upper layer PDUs (PS3.8 §9.3), with the
/// offset (from the start of the PDU) where the problem was found.
public struct UpperLayerError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case unknownPDUType, pduTooLarge, lengthMismatch, itemOverrun, malformedItem, missingItem, invalidValue
        }
        private let value: Value
        /// The PDU type byte is none of PS3.8 Table 9-11.
        public static let unknownPDUType = Code(value: .unknownPDUType)
        /// The PDU length exceeds what we accept (our maximum PDU length for P-DATA).
        public static let pduTooLarge = Code(value: .pduTooLarge)
        /// A fixed-size PDU or item with another length, or a PDU whose items do not fill it exactly.
        public static let lengthMismatch = Code(value: .lengthMismatch)
        /// An item or sub-item length that runs past its enclosing PDU or item (a lying length).
        public static let itemOverrun = Code(value: .itemOverrun)
        /// An item of the wrong type where another is required, or too short for its fields.
        public static let malformedItem = Code(value: .malformedItem)
        /// A required item is absent (application context, presentation context, user information).
        public static let missingItem = Code(value: .missingItem)
        /// A field holds a value the standard does not allow.
        public static let invalidValue = Code(value: .invalidValue)
        public var description: String { value.rawValue }
    }

    public var code: Code
    /// Byte offset from the start of the PDU.
    public var offset: Int
    public var message: String

    public init(_ code: Code, offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(code) at PDU offset \(offset): \(message)" }
}
