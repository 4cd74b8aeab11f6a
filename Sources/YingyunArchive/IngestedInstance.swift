public import YingyunCatalog

/// An instance that is durably stored and indexed: what STOW-RS and C-STORE acknowledge.
public struct IngestedInstance: Sendable, Hashable {
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var transferSyntaxUID: String
    /// Hex SHA-256 of the stored bytes.
    public var digest: String
    public var size: Int
    /// New row, identical re-send, or replacement.
    public var outcome: RegisterOutcome
    /// True when identical bytes were already in the blob store (no new bytes written).
    public var blobDeduplicated: Bool

    public init(
        sopClassUID: String, sopInstanceUID: String, studyInstanceUID: String, seriesInstanceUID: String,
        transferSyntaxUID: String, digest: String, size: Int, outcome: RegisterOutcome, blobDeduplicated: Bool
    ) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.transferSyntaxUID = transferSyntaxUID
        self.digest = digest
        self.size = size
        self.outcome = outcome
        self.blobDeduplicated = blobDeduplicated
    }
}
