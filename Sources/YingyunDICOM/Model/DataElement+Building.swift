import NIOCore

extension DataElement {
    /// An element holding text values, joined by "\" and padded to even length as PS3.5 §6.2
    /// requires (NUL for UI, space otherwise). Values are taken as UTF-8 (ISO_IR 192).
    public init(tag: Tag, vr: VR, strings: [String]) {
        // One allocation: the value written straight into a buffer of its padded size.
        var length = strings.count > 1 ? strings.count - 1 : 0
        for s in strings { length += s.utf8.count }
        var bytes = ByteBufferAllocator().buffer(capacity: length + 1)
        for (i, s) in strings.enumerated() {
            if i > 0 { bytes.writeInteger(UInt8(ascii: "\\")) }
            bytes.writeString(s)
        }
        if length % 2 == 1 { bytes.writeInteger(vr.paddingByte) }
        self.init(tag: tag, vr: vr, bytes: bytes)
    }

    /// A US element (little endian).
    public init(tag: Tag, uint16: UInt16) {
        var b = ByteBuffer()
        b.writeInteger(uint16, endianness: .little)
        self.init(tag: tag, vr: .US, bytes: b)
    }
}
