import NIOCore
import YingyunDICOM

/// The Part 10 header written in front of a received data set (PS3.10 §7.1): preamble, "DICM"
/// and the File Meta Information group (always Explicit VR Little Endian), built from the
/// C-STORE command and the negotiated transfer syntax. The data set bytes follow unchanged.
enum FileMetaInformation {
    /// No Source Application Entity Title (0002,0016): the same instance sent by a modality and
    /// forwarded by a PACS must give the same bytes (an identical re-send, not a conflict); who
    /// sent it is kept in the catalog (source "DIMSE:<AE>@<address>").
    static func header(sopClassUID: String, sopInstanceUID: String, transferSyntaxUID: String) -> ByteBuffer {
        var elements = ByteBuffer()
        // (0002,0001) OB 00\01: OB has a 2-byte reserved field and a 4-byte length.
        elements.writeInteger(UInt16(0x0002), endianness: .little)
        elements.writeInteger(UInt16(0x0001), endianness: .little)
        elements.writeString("OB")
        elements.writeInteger(UInt16(0), endianness: .little)
        elements.writeInteger(UInt32(2), endianness: .little)
        elements.writeBytes([0x00, 0x01])
        writeShort(&elements, 0x0002, "UI", uid(sopClassUID))
        writeShort(&elements, 0x0003, "UI", uid(sopInstanceUID))
        writeShort(&elements, 0x0010, "UI", uid(transferSyntaxUID))
        writeShort(&elements, 0x0012, "UI", uid(Implementation.classUID))
        writeShort(&elements, 0x0013, "SH", text(Implementation.versionName))

        var out = ByteBuffer()
        out.reserveCapacity(132 + 12 + elements.readableBytes)
        out.writeRepeatingByte(0, count: 128)
        out.writeString("DICM")
        // (0002,0000) UL: the length of the rest of the group.
        writeShort(&out, 0x0000, "UL", {
            var b = ByteBuffer()
            b.writeInteger(UInt32(elements.readableBytes), endianness: .little)
            return Array(b.readableBytesView)
        }())
        out.writeBuffer(&elements)
        return out
    }

    /// An element with a 2-byte length (PS3.5 §7.1.2).
    private static func writeShort(_ out: inout ByteBuffer, _ element: UInt16, _ vr: String, _ value: [UInt8]) {
        out.writeInteger(UInt16(0x0002), endianness: .little)
        out.writeInteger(element, endianness: .little)
        out.writeString(vr)
        out.writeInteger(UInt16(value.count), endianness: .little)
        out.writeBytes(value)
    }

    /// UI values are padded with NUL to even length.
    private static func uid(_ s: String) -> [UInt8] {
        var b = Array(UID.trimmed(s).utf8)
        if b.count % 2 == 1 { b.append(0) }
        return b
    }

    /// Text values are padded with a space.
    private static func text(_ s: String) -> [UInt8] {
        var b = Array(s.utf8)
        if b.count % 2 == 1 { b.append(0x20) }
        return b
    }
}
