import CYingyunZlib
import NIOCore

/// Streaming raw deflate (RFC 1951, no zlib header) for the deflated transfer syntaxes
/// (PS3.5 §A.5): the encoded data set goes in chunk by chunk, compressed chunks come out.
///
/// A class because it owns zlib's state, which must stay at one address between calls (zlib checks
/// that the stream it is given is the one it initialised).
final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let outputChunkSize: Int
    /// Compressed bytes produced so far.
    private(set) var outputCount = 0

    /// - Parameter chunkSize: largest compressed chunk handed to a sink.
    /// - Throws: `DICOMWriteError` (`.deflate`) when zlib cannot start.
    init(chunkSize: Int) throws {
        // Set up on a local first: once every stored property is set, a throw would also run deinit.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard cyingyun_deflateInit2(stream, Z_DEFAULT_COMPRESSION, -15) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw DICOMWriteError(code: .deflate, tag: nil, message: "zlib deflate initialisation failed")
        }
        self.stream = stream
        outputChunkSize = min(chunkSize, 256 * 1024)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input`, passing whatever compressed output is ready to `sink`.
    func compress(_ input: ByteBuffer, to sink: (ByteBuffer) throws -> Void) throws {
        try run(input, flush: Z_NO_FLUSH, to: sink)
    }

    /// Ends the stream and pads it to even length with a NUL: the data set that follows the file meta
    /// has even length like every DICOM value (pydicom and dcmtk do the same).
    func finish(to sink: (ByteBuffer) throws -> Void) throws {
        try run(ByteBuffer(), flush: Z_FINISH, to: sink)
        if outputCount % 2 == 1 {
            outputCount += 1
            try sink(ByteBuffer(bytes: [0]))
        }
    }

    private func run(_ input: ByteBuffer, flush: Int32, to sink: (ByteBuffer) throws -> Void) throws {
        try input.withUnsafeReadableBytes { src in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
            stream.pointee.avail_in = uInt(src.count)
            while true {
                var out = ByteBuffer()
                var status: Int32 = Z_OK
                var outputFull = false
                out.writeWithUnsafeMutableBytes(minimumWritableBytes: outputChunkSize) { dst in
                    let capacity = min(dst.count, outputChunkSize)
                    stream.pointee.next_out = dst.bindMemory(to: Bytef.self).baseAddress
                    stream.pointee.avail_out = uInt(capacity)
                    status = deflate(stream, flush)
                    outputFull = stream.pointee.avail_out == 0
                    return capacity - Int(stream.pointee.avail_out)
                }
                // Z_BUF_ERROR only says no progress was possible this call; anything else is a failure.
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw DICOMWriteError(code: .deflate, tag: nil, message: "zlib deflate failed (status \(status))")
                }
                if out.readableBytes > 0 {
                    outputCount += out.readableBytes
                    try sink(out)
                }
                if flush == Z_FINISH {
                    if status == Z_STREAM_END { break }
                } else if !outputFull && stream.pointee.avail_in == 0 {
                    break
                }
            }
            stream.pointee.next_in = nil
        }
    }
}
