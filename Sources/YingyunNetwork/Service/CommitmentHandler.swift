/// Storage Commitment Push Model (PS3.4 Annex J): SOP class and its well-known instance.
public enum StorageCommitment {
    public static let sopClassUID = "1.2.840.10008.1.20.1"
    /// The well-known SOP instance N-ACTION and N-EVENT-REPORT address (PS3.4 J.3.1).
    public static let sopInstanceUID = "1.2.840.10008.1.20.1.1"
    /// Failure Reason (0008,1197) "no such object instance" (PS3.4 J.3.3.1.1).
    public static let noSuchObjectInstance: UInt16 = 0x0112
    /// Failure Reason: the SOP class of the reference differs from the stored one.
    public static let classInstanceConflict: UInt16 = 0x0119
}

/// One referenced instance: (0008,1150) Referenced SOP Class UID, (0008,1155) Referenced SOP
/// Instance UID.
public struct SOPReference: Sendable, Hashable {
    public var sopClassUID: String
    public var sopInstanceUID: String
    public init(sopClassUID: String, sopInstanceUID: String) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
    }
}

/// The seam for storage commitment: whether an instance is durably stored. The network layer
/// never imports the catalog.
public protocol CommitmentHandler: Sendable {
    /// - Returns: nil when committed, else the Failure Reason (0x0112 no such object,
    ///   0x0119 class/instance conflict, 0x0110 processing failure).
    func failureReason(for reference: SOPReference, callingAETitle: String) async -> UInt16?
}
