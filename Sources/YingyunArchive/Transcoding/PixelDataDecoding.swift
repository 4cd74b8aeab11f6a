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
    func decodedFrames(_ file: DICOMFile, source: any ByteSource, indices: [Int]) throws -> [ByteBuffer]
}
