public import NIOCore

/// One C-STORE request as the network layer hands it to storage (PS3.4 Annex B, PS3.7 §9.1.1).
public struct StoreRequest: Sendable, Hashable {
    public var callingAETitle: String
    public var calledAETitle: String
    /// The peer's IP address.
    public var peerAddress: String
    /// The configured entity of the calling AE (nil: unknown AE let in by a non-strict directory).
    public var entity: ApplicationEntity?
    public var sopClassUID: String
    public var sopInstanceUID: String
    /// The negotiated transfer syntax of the data set's bytes.
    public var transferSyntaxUID: String
    public var messageID: UInt16
    /// Move Originator AE Title (0000,1030), when this store is a C-MOVE sub-operation.
    public var moveOriginatorAETitle: String?

    public init(
        callingAETitle: String, calledAETitle: String, peerAddress: String, entity: ApplicationEntity?,
        sopClassUID: String, sopInstanceUID: String, transferSyntaxUID: String, messageID: UInt16,
        moveOriginatorAETitle: String? = nil
    ) {
        self.callingAETitle = callingAETitle
        self.calledAETitle = calledAETitle
        self.peerAddress = peerAddress
        self.entity = entity
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.transferSyntaxUID = transferSyntaxUID
        self.messageID = messageID
        self.moveOriginatorAETitle = moveOriginatorAETitle
    }
}

/// The answer to a C-STORE: a status and, for warnings and failures, a short comment
/// (Error Comment (0000,0902): no patient data).
public struct StoreOutcome: Sendable, Hashable {
    public var status: DIMSEStatus
    public var comment: String?
    public init(status: DIMSEStatus, comment: String? = nil) {
        self.status = status
        self.comment = comment
    }
    public static let success = StoreOutcome(status: .success)
}

/// A refusal to open or continue a store, carried as an error.
public struct StoreRefusal: Error, Sendable, Hashable {
    public var outcome: StoreOutcome
    public init(_ status: DIMSEStatus, _ comment: String) { outcome = StoreOutcome(status: status, comment: comment) }
}

/// Where one data set goes while it arrives. The network layer calls `write` for every data
/// set fragment in order (awaiting each: backpressure reaches TCP), then exactly one of
/// `finish` (last fragment arrived) or `abort` (association lost or request failed).
public protocol StoreSink: Sendable {
    /// - Throws: `StoreRefusal` (or any error, answered as out of resources): the rest of the
    ///   data set is then read and dropped and the failure answered.
    func write(_ fragment: ByteBuffer) async throws
    /// The data set is complete: make it durable, then answer. The C-STORE-RSP is sent with
    /// this outcome, so success must mean stored.
    func finish() async -> StoreOutcome
    /// Drop everything written so far.
    func abort() async
}

/// The seam between the DICOM network and storage: the network layer never imports storage;
/// the server is given a `StoreHandler`.
public protocol StoreHandler: Sendable {
    /// Opens the sink for one instance, before its first data set fragment arrives.
    /// - Throws: `StoreRefusal` to answer without storing (e.g. out of resources).
    func openStore(_ request: StoreRequest) async throws -> any StoreSink
}
