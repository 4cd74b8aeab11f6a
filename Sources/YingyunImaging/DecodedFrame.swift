/// One decoded frame: samples interleaved by pixel (R1G1B1R2… for colour), each sample in a
/// little-endian container of `bytesPerSample` bytes, as an AI client or the renderer reads them.
public struct DecodedFrame: Sendable, Hashable {
    public var rows: Int
    public var columns: Int
    public var samplesPerPixel: Int
    /// Container size: 1, 2 or 4 bytes (1-bit images are unpacked to one byte per pixel).
    public var bytesPerSample: Int
    /// Significant bits of each sample (Bits Stored, or the codec's precision).
    public var bitsStored: Int
    public var isSigned: Bool
    /// The interpretation of the samples as returned: YBR and palette images may have become RGB.
    public var photometricInterpretation: PhotometricInterpretation
    /// rows × columns × samplesPerPixel × bytesPerSample bytes.
    public var samples: [UInt8]

    public init(
        rows: Int, columns: Int, samplesPerPixel: Int, bytesPerSample: Int, bitsStored: Int, isSigned: Bool,
        photometricInterpretation: PhotometricInterpretation, samples: [UInt8]
    ) {
        self.rows = rows
        self.columns = columns
        self.samplesPerPixel = samplesPerPixel
        self.bytesPerSample = bytesPerSample
        self.bitsStored = bitsStored
        self.isSigned = isSigned
        self.photometricInterpretation = photometricInterpretation
        self.samples = samples
    }

    /// Number of samples (rows × columns × samples per pixel).
    public var sampleCount: Int { rows * columns * samplesPerPixel }

    /// NumPy-style type name: uint8, int16, uint32...
    public var dataType: String { (isSigned ? "int" : "uint") + String(bytesPerSample * 8) }

    /// Sample `i` as an integer (sign applied).
    @inline(__always)
    public func sample(_ i: Int) -> Int {
        let o = i * bytesPerSample
        switch bytesPerSample {
        case 1: return isSigned ? Int(Int8(bitPattern: samples[o])) : Int(samples[o])
        case 2:
            let v = UInt16(samples[o]) | UInt16(samples[o + 1]) << 8
            return isSigned ? Int(Int16(bitPattern: v)) : Int(v)
        default:
            let v = UInt32(samples[o]) | UInt32(samples[o + 1]) << 8 | UInt32(samples[o + 2]) << 16
                | UInt32(samples[o + 3]) << 24
            return isSigned ? Int(Int32(bitPattern: v)) : Int(v)
        }
    }

    /// All samples as integers.
    public func integerSamples() -> [Int] { (0..<sampleCount).map(sample) }
}
