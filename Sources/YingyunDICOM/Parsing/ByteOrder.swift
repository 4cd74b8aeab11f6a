import NIOCore

/// Byte-order conversion for the retired Explicit VR Big Endian syntax (PS3.5 §7.3).
enum ByteOrder {
    /// A copy of `bytes` with every `unit`-byte value reversed (2, 4 or 8); a trailing partial unit is kept.
    static func swapped(_ bytes: ByteBuffer, unit: Int) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(bytes.readableBytes)
        bytes.withUnsafeReadableBytes { src in
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: src.count) { dst in
                let whole = src.count - src.count % unit
                var i = 0
                while i < whole {
                    for k in 0..<unit { dst[i + k] = src[i + unit - 1 - k] }
                    i += unit
                }
                while i < src.count {
                    dst[i] = src[i]
                    i += 1
                }
                return src.count
            }
        }
        return out
    }
}
