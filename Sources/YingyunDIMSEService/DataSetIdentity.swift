import NIOCore
import YingyunDICOM

/// Reads SOP Class UID (0008,0016) and SOP Instance UID (0008,0018) from the first bytes of a
/// data set as it arrives, so a C-STORE whose command names another instance than its data set
/// is refused before anything is committed (the stored File Meta Information is built from the
/// command and must describe the data set).
enum DataSetIdentity {
    /// Explicit VRs with a 32-bit length (PS3.5 Table 7.1-1).
    static let longLengthVRs: Set<[UInt8]> = Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"].map { Array($0.utf8) })

    /// The two UIDs, nil when they cannot be read from `prefix` (too short, deflated, an
    /// undefined length before them): the check is then left to the ingest parser.
    static func read(_ prefix: ByteBuffer, transferSyntaxUID: String) -> (sopClass: String?, sopInstance: String?)? {
        let syntax = TransferSyntax(uid: transferSyntaxUID)
        if syntax.isDeflated { return nil }
        let endianness: Endianness = syntax.isLittleEndian ? .little : .big
        var b = prefix
        var sopClass: String?
        while let group = b.readInteger(endianness: endianness, as: UInt16.self),
            let element = b.readInteger(endianness: endianness, as: UInt16.self)
        {
            let tag = UInt32(group) << 16 | UInt32(element)
            if tag > 0x0008_0018 { return (sopClass, nil) }
            let length: UInt32
            if syntax.isExplicitVR {
                guard let vr = b.readBytes(length: 2) else { return nil }
                if longLengthVRs.contains(vr) {
                    guard b.readInteger(as: UInt16.self) != nil, let l = b.readInteger(endianness: endianness, as: UInt32.self) else { return nil }
                    length = l
                } else {
                    guard let l = b.readInteger(endianness: endianness, as: UInt16.self) else { return nil }
                    length = UInt32(l)
                }
            } else {
                guard let l = b.readInteger(endianness: endianness, as: UInt32.self) else { return nil }
                length = l
            }
            guard length != 0xFFFF_FFFF, let value = b.readString(length: Int(length)) else { return nil }
            if tag == 0x0008_0016 { sopClass = UID.trimmed(value) }
            if tag == 0x0008_0018 { return (sopClass, UID.trimmed(value)) }
        }
        return nil
    }
}
