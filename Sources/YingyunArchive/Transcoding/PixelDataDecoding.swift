public import NIOCore
public import YingyunDICOM

/// Decodes encapsulated (compressed) pixel data to native pixels; the imaging module provides it.
/// The archive uses it to answer a request for an uncompressed transfer syntax.
public protocol PixelDataDecoding: Sendable {
    /// The data set of `file` with its Pixel Data native (OW for more than 8 bits allocated, else
    /// OB; little endian; frames concatenated) and the attributes decoding changes updated
    /// (Photometric Interpretation — e.g. YBR_FULL_422 becomes RGB —, Planar Configuration).
    /// Lossy Image Compression (0028,2110) stays "01" for a lossy source (PS3.3 C.7.6.1.1.5).
    func decoded(_ file: DICOMFile, source: any ByteSource) throws -> DataSet

    /// Frames `indices` (0-based) decoded to native samples, little endian, interleaved (colour
    /// as RGB): what WADO-RS sends as application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1.
    /// Native objects are accepted too (their samples are unpacked, masked and sign-extended).
    func decodedFrames(_ file: DICOMFile, source: any ByteSource, indices: [Int]) throws -> [NativeSamples]
}

/// One decoded frame's samples and their storage.
public struct NativeSamples: Sendable {
    public var bytes: ByteBuffer
    /// 1, 2 or 4.
    public var bytesPerSample: Int
    public var isSigned: Bool
    public var samplesPerPixel: Int
    public init(bytes: ByteBuffer, bytesPerSample: Int, isSigned: Bool, samplesPerPixel: Int) {
        self.bytes = bytes
        self.bytesPerSample = bytesPerSample
        self.isSigned = isSigned
        self.samplesPerPixel = samplesPerPixel
    }

    /// Sample `i` as an integer.
    public func sample(_ i: Int) -> Int {
        let at = bytes.readerIndex + i * bytesPerSample
        switch (bytesPerSample, isSigned) {
        case (1, false): return Int(bytes.getInteger(at: at, as: UInt8.self)!)
        case (1, true): return Int(bytes.getInteger(at: at, as: Int8.self)!)
        case (2, false): return Int(bytes.getInteger(at: at, endianness: .little, as: UInt16.self)!)
        case (2, true): return Int(bytes.getInteger(at: at, endianness: .little, as: Int16.self)!)
        case (_, false): return Int(bytes.getInteger(at: at, endianness: .little, as: UInt32.self)!)
        default: return Int(bytes.getInteger(at: at, endianness: .little, as: Int32.self)!)
        }
    }

    public var count: Int { bytes.readableBytes / bytesPerSample }
}
