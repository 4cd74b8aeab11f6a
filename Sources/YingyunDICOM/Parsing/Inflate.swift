import CYingyunZlib
import NIOCore

/// Inflates the deflated data set of Deflated Explicit VR Little Endian (PS3.5 §A.5):
/// raw deflate (RFC 1951) without a zlib header; a zlib-wrapped stream is accepted too.
enum Inflate {
    static func inflate(_ input: ByteBuffer, limit: Int, offset: Int) throws -> ByteBuffer {
        if let raw = try? run(input, windowBits: -15, limit: limit) { return raw }
        do {
            return try run(input, windowBits: 15, limit: limit)
        } catch let e as DICOMParseError {
            throw DICOMParseError(code: e.code, offset: offset, tag: nil, message: e.message)
        }
    }

    private static func run(_ input: ByteBuffer, windowBits: Int32, limit: Int) throws -> ByteBuffer {
        var stream = z_stream()
        guard cyingyun_inflateInit2(&stream, windowBits) == Z_OK else {
            throw DICOMParseError(code: .deflate, offset: 0, tag: nil, message: "zlib initialisation failed")
        }
        defer { inflateEnd(&stream) }
        var out = ByteBuffer()
        out.reserveCapacity(min(limit, max(4096, input.readableBytes * 4)))
        var status: Int32 = Z_OK
        try input.withUnsafeReadableBytes { src in
            stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(src.count)
            while status == Z_OK {
                if out.readableBytes >= limit {
                    throw DICOMParseError(code: .tooLarge, offset: 0, tag: nil,
                        message: "inflated data set exceeds \(limit) bytes")
                }
                let chunk = min(256 * 1024, limit - out.readableBytes + 1)
                let inBefore = stream.avail_in
                var produced = 0
                out.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { dst in
                    stream.next_out = dst.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(min(dst.count, chunk))
                    let before = stream.avail_out
                    status = CYingyunZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = Int(before - stream.avail_out)
                    return produced
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                if status == Z_BUF_ERROR {
                    // No progress is possible: stop rather than spin.
                    if produced == 0 && stream.avail_in == inBefore { break }
                    status = Z_OK
                }
            }
        }
        guard status == Z_STREAM_END || (status == Z_BUF_ERROR && out.readableBytes > 0) else {
            throw DICOMParseError(code: .deflate, offset: 0, tag: nil,
                message: "deflated data set is corrupt (zlib status \(status))")
        }
        return out
    }
}
