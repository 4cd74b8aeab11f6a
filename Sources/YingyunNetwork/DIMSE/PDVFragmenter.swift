public import NIOCore

/// Splits a command or data set into P-DATA-TF PDUs that respect the peer's maximum PDU length
/// (PS3.8 §9.3.5, Annex D.1: the limit counts the whole variable field: PDV headers included).
public struct PDVFragmenter: Sendable {
    /// Largest fragment per PDU: the peer's maximum length minus one PDV item header (6 bytes).
    public let maximumFragment: Int

    /// - Parameter peerMaximumLength: the peer's announced maximum length; 0 = unlimited (we then
    ///   use `fallback`).
    public init(peerMaximumLength: UInt32, fallback: Int = 1 << 20) {
        let limit = peerMaximumLength == 0 ? fallback : min(Int(peerMaximumLength), fallback)
        maximumFragment = max(limit - 6, 2)
    }

    /// The PDUs carrying `bytes` on context `id`; the last one has the "last fragment" bit.
    /// - Parameter final: false when more of the same data set follows in a later call.
    public func pdus(_ bytes: ByteBuffer, contextID: UInt8, isCommand: Bool, final: Bool = true) -> [PDU] {
        var rest = bytes
        var out: [PDU] = []
        repeat {
            let n = min(rest.readableBytes, maximumFragment)
            let fragment = rest.readSlice(length: n) ?? ByteBuffer()
            let last = final && rest.readableBytes == 0
            out.append(.pData(PDataTF(values: [
                PresentationDataValue(presentationContextID: contextID, isCommand: isCommand, isLast: last, fragment: fragment)
            ])))
        } while rest.readableBytes > 0
        return out
    }
}
