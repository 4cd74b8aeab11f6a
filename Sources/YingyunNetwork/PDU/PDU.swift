public import NIOCore

/// One protocol data unit of the DICOM upper layer (PS3.8 §9.3).
public enum PDU: Sendable, Equatable {
    case associateRQ(AssociateRequest)
    case associateAC(AssociateAccept)
    case associateRJ(AssociateReject)
    case pData(PDataTF)
    case releaseRQ
    case releaseRP
    case abort(Abort)

    public var type: PDUType {
        switch self {
        case .associateRQ: return .associateRQ
        case .associateAC: return .associateAC
        case .associateRJ: return .associateRJ
        case .pData: return .pDataTF
        case .releaseRQ: return .releaseRQ
        case .releaseRP: return .releaseRP
        case .abort: return .abort
        }
    }
}

/// A-ASSOCIATE-RJ (PS3.8 §9.3.4): result, source and reason as the standard numbers them.
public struct AssociateReject: Sendable, Hashable {
    public enum Result: UInt8, Sendable, Hashable {
        case permanent = 1
        case transient = 2
    }
    /// 1 service-user, 2 service-provider (ACSE), 3 service-provider (presentation).
    public var result: Result
    public var source: UInt8
    public var reason: UInt8

    public init(result: Result, source: UInt8, reason: UInt8) {
        self.result = result
        self.source = source
        self.reason = reason
    }

    /// Service-user rejections (source 1).
    public static func noReasonGiven(_ result: Result = .permanent) -> AssociateReject { .init(result: result, source: 1, reason: 1) }
    public static let applicationContextNotSupported = AssociateReject(result: .permanent, source: 1, reason: 2)
    public static let callingAETitleNotRecognized = AssociateReject(result: .permanent, source: 1, reason: 3)
    public static let calledAETitleNotRecognized = AssociateReject(result: .permanent, source: 1, reason: 7)
    /// Service-provider (ACSE) rejection: protocol version not supported (source 2, reason 2).
    public static let protocolVersionNotSupported = AssociateReject(result: .permanent, source: 2, reason: 2)
    /// Service-provider (presentation) rejections: temporary congestion / local limit exceeded.
    public static let temporaryCongestion = AssociateReject(result: .transient, source: 3, reason: 1)
    public static let localLimitExceeded = AssociateReject(result: .transient, source: 3, reason: 2)
}

/// A-ABORT (PS3.8 §9.3.8): source 0 service-user, 2 service-provider; reasons only for source 2.
public struct Abort: Sendable, Hashable {
    public var source: UInt8
    public var reason: UInt8

    public init(source: UInt8, reason: UInt8) {
        self.source = source
        self.reason = reason
    }

    public static let serviceUser = Abort(source: 0, reason: 0)
    /// Service-provider reasons (PS3.8 Table 9-26).
    public static let reasonNotSpecified = Abort(source: 2, reason: 0)
    public static let unrecognizedPDU = Abort(source: 2, reason: 1)
    public static let unexpectedPDU = Abort(source: 2, reason: 2)
    public static let unrecognizedPDUParameter = Abort(source: 2, reason: 4)
    public static let unexpectedPDUParameter = Abort(source: 2, reason: 5)
    public static let invalidPDUParameterValue = Abort(source: 2, reason: 6)
}

/// P-DATA-TF (PS3.8 §9.3.5): one or more presentation data values.
public struct PDataTF: Sendable, Equatable {
    public var values: [PresentationDataValue]
    public init(values: [PresentationDataValue]) { self.values = values }
}

/// One PDV item (PS3.8 §9.3.5.1, Annex E.2): a fragment of a command or data set, tagged with
/// its presentation context and the message control header.
public struct PresentationDataValue: Sendable, Equatable {
    public var presentationContextID: UInt8
    /// Bit 0 of the message control header: command (1) or data set (0).
    public var isCommand: Bool
    /// Bit 1: last fragment of the command or data set.
    public var isLast: Bool
    /// The fragment; a slice of the received PDU (no copy).
    public var fragment: ByteBuffer

    public init(presentationContextID: UInt8, isCommand: Bool, isLast: Bool, fragment: ByteBuffer) {
        self.presentationContextID = presentationContextID
        self.isCommand = isCommand
        self.isLast = isLast
        self.fragment = fragment
    }

    /// The message control header byte.
    public var messageControlHeader: UInt8 { (isCommand ? 0x01 : 0) | (isLast ? 0x02 : 0) }
}
