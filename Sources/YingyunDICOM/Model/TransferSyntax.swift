/// A transfer syntax: how a data set after the file meta group is encoded (PS3.5 §10).
public struct TransferSyntax: Hashable, Sendable, CustomStringConvertible {
    public var uid: String
    public var isExplicitVR: Bool
    public var isLittleEndian: Bool
    public var isDeflated: Bool
    /// Pixel data is encapsulated (PS3.5 §A.4): every compressed syntax.
    public var isEncapsulated: Bool

    public init(uid: String, isExplicitVR: Bool, isLittleEndian: Bool, isDeflated: Bool, isEncapsulated: Bool) {
        self.uid = uid
        self.isExplicitVR = isExplicitVR
        self.isLittleEndian = isLittleEndian
        self.isDeflated = isDeflated
        self.isEncapsulated = isEncapsulated
    }

    public static let implicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2", isExplicitVR: false, isLittleEndian: true, isDeflated: false, isEncapsulated: false)
    public static let explicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1", isExplicitVR: true, isLittleEndian: true, isDeflated: false, isEncapsulated: false)
    public static let encapsulatedUncompressedExplicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1.98", isExplicitVR: true, isLittleEndian: true, isDeflated: false,
        isEncapsulated: true)
    public static let deflatedExplicitVRLittleEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.1.99", isExplicitVR: true, isLittleEndian: true, isDeflated: true, isEncapsulated: false)
    public static let explicitVRBigEndian = TransferSyntax(
        uid: "1.2.840.10008.1.2.2", isExplicitVR: true, isLittleEndian: false, isDeflated: false, isEncapsulated: false)

    /// The transfer syntax for a UID. Unknown UIDs are treated as encapsulated Explicit VR Little
    /// Endian, which is how every compressed syntax (and any private one) encodes its data set.
    public init(uid rawUID: String) {
        let uid = UID.trimmed(rawUID)
        switch uid {
        case TransferSyntax.implicitVRLittleEndian.uid: self = .implicitVRLittleEndian
        case TransferSyntax.explicitVRLittleEndian.uid: self = .explicitVRLittleEndian
        case TransferSyntax.deflatedExplicitVRLittleEndian.uid: self = .deflatedExplicitVRLittleEndian
        case TransferSyntax.explicitVRBigEndian.uid: self = .explicitVRBigEndian
        // JPIP referenced deflate (PS3.5 §A.6): deflated data set, pixel data by reference.
        case "1.2.840.10008.1.2.4.95":
            self.init(uid: uid, isExplicitVR: true, isLittleEndian: true, isDeflated: true, isEncapsulated: false)
        case "1.2.840.10008.1.2.4.94":
            self.init(uid: uid, isExplicitVR: true, isLittleEndian: true, isDeflated: false, isEncapsulated: false)
        default:
            self.init(uid: uid, isExplicitVR: true, isLittleEndian: true, isDeflated: false, isEncapsulated: true)
        }
    }

    public var description: String { uid }
}

/// UID helpers (PS3.5 §9).
public enum UID {
    /// Removes the NUL/space padding a UI value may carry.
    public static func trimmed(_ s: String) -> String {
        DataElement.trimPadding(s, vr: .UI)
    }
}
