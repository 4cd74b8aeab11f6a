/// RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits segment per
/// byte plane (most significant byte of each sample first).
enum RLELosslessDecoder {
    /// Decodes one frame to interleaved little-endian samples.
    /// - Parameters:
    ///   - frame: the frame's fragments, concatenated.
    ///   - rows, columns, samplesPerPixel, bytesPerSample: the expected geometry.
    /// - Throws: `ImagingError.corruptCodestream` when the header or a segment is inconsistent.
    static func decode(_ frame: [UInt8], rows: Int, columns: Int, samplesPerPixel: Int, bytesPerSample: Int) throws
        -> [UInt8]
    {
        let pixels = rows * columns
        let expectedSegments = samplesPerPixel * bytesPerSample
        guard frame.count >= 64 else {
            throw ImagingError(.corruptCodestream, "RLE frame of \(frame.count) bytes has no 64-byte header")
        }
        func u32(_ at: Int) -> Int {
            Int(frame[at]) | Int(frame[at + 1]) << 8 | Int(frame[at + 2]) << 16 | Int(frame[at + 3]) << 24
        }
        let count = u32(0)
        guard count == expectedSegments else {
            throw ImagingError(.corruptCodestream,
                "RLE header declares \(count) segments; \(samplesPerPixel) samples of \(bytesPerSample) bytes need \(expectedSegments)")
        }
        var offsets = (0..<count).map { u32(4 + 4 * $0) }
        offsets.append(frame.count)
        guard offsets[0] == 64, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw ImagingError(.corruptCodestream, "RLE segment offsets \(offsets.dropLast()) are not increasing from 64")
        }
        var out = [UInt8](repeating: 0, count: pixels * expectedSegments)
        var shortSegment: Int?
        out.withUnsafeMutableBufferPointer { dst in
            frame.withUnsafeBufferPointer { src in
                for segment in 0..<count {
                    let sample = segment / bytesPerSample
                    // Segment k of a sample holds its k-th most significant byte.
                    let byteInSample = bytesPerSample - 1 - segment % bytesPerSample
                    let stride = expectedSegments
                    var at = sample * bytesPerSample + byteInSample
                    var written = 0
                    var i = offsets[segment]
                    let end = offsets[segment + 1]
                    while i < end && written < pixels {
                        let n = Int(Int8(bitPattern: src[i]))
                        i += 1
                        if n >= 0 {
                            let run = min(n + 1, end - i, pixels - written)
                            for k in 0..<run {
                                dst[at] = src[i + k]
                                at += stride
                            }
                            i += n + 1
                            written += run
                        } else if n != -128 {
                            guard i < end else { break }
                            let value = src[i]
                            i += 1
                            let run = min(1 - n, pixels - written)
                            for _ in 0..<run {
                                dst[at] = value
                                at += stride
                            }
                            written += run
                        }
                    }
                    if written < pixels && shortSegment == nil { shortSegment = segment }
                }
            }
        }
        if let shortSegment {
            throw ImagingError(.corruptCodestream, "RLE segment \(shortSegment) ends before \(pixels) bytes")
        }
        return out
    }
}
