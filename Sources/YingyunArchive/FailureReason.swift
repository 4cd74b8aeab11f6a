/// Why an instance was not stored: the status codes of PS3.18 Table 10.5.3-2 (STOW-RS
/// FailureReason) and PS3.4 Annex B (C-STORE), which share one code space.
public enum FailureReason: UInt16, Sendable, Hashable, CaseIterable {
    /// Something failed on our side (disk, catalog).
    case processingFailure = 0x0110
    /// The SOP Instance UID is stored with other bytes and replacing is not allowed.
    case duplicateSOPInstance = 0x0111
    case sopClassNotSupported = 0x0122
    case outOfResources = 0xA700
    /// Required attributes missing or contradicting the request (e.g. the Study Instance UID
    /// differs from the one in the URL).
    case dataSetDoesNotMatchSOPClass = 0xA900
    /// Not a parsable DICOM Part 10 object.
    case cannotUnderstand = 0xC000
    case transferSyntaxNotSupported = 0xC122
}

/// An instance that was not stored, with the reason a client is told.
public struct IngestFailure: Error, Sendable, CustomStringConvertible {
    public var reason: FailureReason
    /// A human-readable explanation (no patient data: UIDs, offsets, tags only).
    public var message: String
    /// Known when the header could be read far enough.
    public var sopClassUID: String?
    public var sopInstanceUID: String?

    public init(reason: FailureReason, message: String, sopClassUID: String? = nil, sopInstanceUID: String? = nil) {
        self.reason = reason
        self.message = message
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
    }

    public var description: String { "\(message) (failure reason 0x\(String(reason.rawValue, radix: 16, uppercase: true)))" }
}
