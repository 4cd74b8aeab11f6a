public import NIOCore

/// The seam through which a C-GET/C-MOVE sub-operation sends a stored instance re-encoded, for a
/// peer that accepted none of our presentation contexts with the stored transfer syntax (a
/// workstation offering only Implicit or Explicit VR Little Endian for a JPEG-lossless object).
/// The archive implements it; the network layer only picks the syntax and streams the chunks.
public struct DataSetTranscoding: Sendable {
    /// The transfer syntaxes the data set can be produced in, most preferred first.
    public var transferSyntaxUIDs: [String]
    /// Writes the data set (no File Meta Information) encoded in `transferSyntaxUID` to `sink`,
    /// in chunks, as it is produced. Synchronous and possibly CPU-heavy (pixel data decoding):
    /// the network layer calls it on a thread of its own, never on the event loop or the
    /// cooperative pool, and stops reading when it has enough chunks queued.
    public var write: @Sendable (_ transferSyntaxUID: String, _ sink: (ByteBuffer) throws -> Void) throws -> Void

    public init(
        transferSyntaxUIDs: [String],
        write: @escaping @Sendable (_ transferSyntaxUID: String, _ sink: (ByteBuffer) throws -> Void) throws -> Void
    ) {
        self.transferSyntaxUIDs = transferSyntaxUIDs
        self.write = write
    }
}

/// Where one C-STORE sub-operation goes: the accepted presentation context, and the transfer
/// syntax to re-encode to (nil: the stored bytes unchanged).
public struct SubOperationRoute: Sendable, Equatable {
    public var contextID: UInt8
    public var transcodeTo: String?

    public init(contextID: UInt8, transcodeTo: String?) {
        self.contextID = contextID
        self.transcodeTo = transcodeTo
    }
}

extension RetrievableInstance {
    /// The route for this instance among the peer's accepted storage contexts: a context with
    /// the stored transfer syntax when there is one (bytes unchanged); else the first of
    /// `transcoding`'s syntaxes that some context for the SOP class accepted; nil when neither.
    /// - Parameter contexts: accepted presentation contexts usable for C-STORE sub-operations.
    public func route(among contexts: [AcceptedPresentationContext]) -> SubOperationRoute? {
        let forClass = contexts.filter { $0.abstractSyntax == sopClassUID }.sorted { $0.id < $1.id }
        if let same = forClass.first(where: { $0.transferSyntax == transferSyntaxUID }) {
            return SubOperationRoute(contextID: same.id, transcodeTo: nil)
        }
        for syntax in transcoding?.transferSyntaxUIDs ?? [] {
            if let c = forClass.first(where: { $0.transferSyntax == syntax }) {
                return SubOperationRoute(contextID: c.id, transcodeTo: syntax)
            }
        }
        return nil
    }
}
