import NIOCore

@testable import YingyunDICOM

/// Builds encoded DICOM byte streams by hand, so tests control every byte (including broken ones).
struct ByteBuilder {
    var bytes: [UInt8] = []
    var littleEndian = true

    mutating func u16(_ v: UInt16) {
        if littleEndian { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] } else { bytes += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    }
    mutating func u32(_ v: UInt32) {
        if littleEndian {
            bytes += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        } else {
            bytes += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        }
    }
    mutating func tag(_ t: Tag) {
        u16(t.group)
        u16(t.element)
    }
    /// An explicit VR element header + value.
    mutating func explicit(_ t: Tag, _ vr: VR, _ value: [UInt8], length: UInt32? = nil) {
        tag(t)
        bytes += Array(vr.rawValue.utf8)
        if vr.hasLongExplicitLength {
            u16(0)
            u32(length ?? UInt32(value.count))
        } else {
            u16(UInt16(length ?? UInt32(value.count)))
        }
        bytes += value
    }
    mutating func explicit(_ t: Tag, _ vr: VR, _ text: String) {
        var v = Array(text.utf8)
        if v.count % 2 == 1 { v.append(vr == .UI ? 0 : 0x20) }
        explicit(t, vr, v)
    }
    /// An implicit VR element header + value.
    mutating func implicit(_ t: Tag, _ value: [UInt8], length: UInt32? = nil) {
        tag(t)
        u32(length ?? UInt32(value.count))
        bytes += value
    }
    mutating func implicit(_ t: Tag, _ text: String) {
        var v = Array(text.utf8)
        if v.count % 2 == 1 { v.append(0x20) }
        implicit(t, v)
    }
    /// An item or delimiter header (always tag + 32-bit length).
    mutating func item(_ t: Tag = .item, length: UInt32 = 0xFFFF_FFFF) {
        tag(t)
        u32(length)
    }
    /// Header of an explicit VR element with undefined length.
    mutating func explicitUndefined(_ t: Tag, _ vr: VR) {
        tag(t)
        bytes += Array(vr.rawValue.utf8)
        u16(0)
        u32(0xFFFF_FFFF)
    }

    /// A Part 10 file: preamble, DICM, meta (explicit LE) for `transferSyntax`, then `dataSet` bytes.
    static func part10(transferSyntax: String, dataSet: [UInt8]) -> [UInt8] {
        var meta = ByteBuilder()
        meta.explicit(Tag(0x0002, 0x0001), .OB, [0, 1])
        meta.explicit(Tag(0x0002, 0x0010), .UI, transferSyntax)
        var head = ByteBuilder()
        head.bytes = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        head.explicit(Tag(0x0002, 0x0000), .UL, le32(UInt32(meta.bytes.count)))
        return head.bytes + meta.bytes + dataSet
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
    }
}

func parse(_ bytes: [UInt8], _ configure: (inout ParseOptions) -> Void = { _ in }) throws -> DICOMFile {
    var options = ParseOptions()
    configure(&options)
    return try DICOMFile.parse(ByteBuffer(bytes: bytes), options: options)
}
