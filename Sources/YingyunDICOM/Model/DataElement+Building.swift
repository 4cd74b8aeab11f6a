import NIOCore

extension DataElement {
    /// An element holding text values, joined by "\" and padded to even length as PS3.5 §6.2
    /// requires (NUL for UI, space otherwise). Values are taken as UTF-8 (ISO_IR 192).
    public init(tag: Tag, vr: VR, strings: [String]) {
        var bytes = Array(strings.joined(separator: "\\").utf8)
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        self.init(tag: tag, vr: vr, bytes: ByteBuffer(bytes: bytes))
    }

    /// A US element (little endian).
    public init(tag: Tag, uint16: UInt16) {
        var b = ByteBuffer()
        b.writeInteger(uint16, endianness: .little)
        self.init(tag: tag, vr: .US, bytes: b)
    }
}
