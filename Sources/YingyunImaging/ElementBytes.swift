import NIOCore
import YingyunDICOM

/// The value bytes of an element, wherever the parser left them.
enum ElementBytes {
    /// Value bytes in memory or read back from `source` for a bulk data reference. Byte order is as
    /// the parser delivers it: in-memory values are little endian per VR unit; a bulk reference is
    /// returned as stored (the caller checks `BulkDataReference.isLittleEndian`).
    static func bytes(of element: DataElement, source: (any ByteSource)?) throws -> ByteBuffer {
        switch element.value {
        case .bytes(let b): return b
        case .bulkData(let ref):
            guard let source else {
                throw ImagingError(.missingAttribute, "\(element.tag) is not in memory and no source was given")
            }
            let b = try source.bytes(at: ref.offset, count: ref.length)
            guard b.readableBytes == ref.length else {
                throw ImagingError(.truncatedPixelData, "\(element.tag): \(b.readableBytes) of \(ref.length) bytes present")
            }
            return b
        default:
            throw ImagingError(.invalidAttribute, "\(element.tag) has no binary value")
        }
    }

    /// 16-bit words of an OW/US/SS value as little-endian integers, whatever the source order.
    static func words(of element: DataElement, source: (any ByteSource)?) throws -> [UInt16] {
        let b = try bytes(of: element, source: source)
        let little: Bool = if case .bulkData(let ref) = element.value { ref.isLittleEndian } else { true }
        let n = b.readableBytes / 2
        var out = [UInt16](repeating: 0, count: n)
        b.withUnsafeReadableBytes { p in
            for i in 0..<n {
                let lo = UInt16(p[2 * i]), hi = UInt16(p[2 * i + 1])
                out[i] = little ? (hi << 8 | lo) : (lo << 8 | hi)
            }
        }
        return out
    }
}
