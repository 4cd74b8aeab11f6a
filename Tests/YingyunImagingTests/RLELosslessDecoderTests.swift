import Testing
@testable import YingyunImaging

@Suite struct RLELosslessDecoderTests {
    /// A literal-only PackBits segment (runs of at most 128 bytes).
    static func packBits(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let n = min(128, bytes.count - i)
            out.append(UInt8(n - 1))
            out += bytes[i..<(i + n)]
            i += n
        }
        return out
    }

    static func frame(segments: [[UInt8]]) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 64)
        header[0] = UInt8(segments.count)
        var offset = 64
        for (k, s) in segments.enumerated() {
            for b in 0..<4 { header[4 + 4 * k + b] = UInt8(truncatingIfNeeded: offset >> (8 * b)) }
            offset += s.count
        }
        return header + segments.flatMap { $0 }
    }

    @Test func sixteenBitSamplesComeFromHighAndLowByteSegments() throws {
        let high: [UInt8] = [0x12, 0xFF, 0x00]
        let low: [UInt8] = [0x34, 0x01, 0x02]
        let out = try RLELosslessDecoder.decode(Self.frame(segments: [Self.packBits(high), Self.packBits(low)]),
            rows: 1, columns: 3, samplesPerPixel: 1, bytesPerSample: 2)
        #expect(out == [0x34, 0x12, 0x01, 0xFF, 0x02, 0x00])
    }

    @Test func replicateRunsExpand() throws {
        // -3 → repeat the next byte 4 times; -128 is a no-op.
        let segment: [UInt8] = [0x80, 0xFD, 7]
        let out = try RLELosslessDecoder.decode(Self.frame(segments: [segment]), rows: 2, columns: 2,
            samplesPerPixel: 1, bytesPerSample: 1)
        #expect(out == [7, 7, 7, 7])
    }

    @Test func aShortSegmentOrWrongSegmentCountIsAnError() throws {
        #expect(throws: ImagingError.self) {
            try RLELosslessDecoder.decode(Self.frame(segments: [Self.packBits([1, 2])]), rows: 1, columns: 3,
                samplesPerPixel: 1, bytesPerSample: 1)
        }
        #expect(throws: ImagingError.self) {
            try RLELosslessDecoder.decode(Self.frame(segments: [Self.packBits([1, 2, 3])]), rows: 1, columns: 3,
                samplesPerPixel: 3, bytesPerSample: 1)
        }
        #expect(throws: ImagingError.self) {
            try RLELosslessDecoder.decode([1, 2, 3], rows: 1, columns: 1, samplesPerPixel: 1, bytesPerSample: 1)
        }
    }
}
