public import NIOCore
public import YingyunDICOM
public import YingyunStore

/// Rewrites a stored object in another transfer syntax for WADO-RS (the standard's default is
/// Explicit VR Little Endian, PS3.18 §8.7.3.5). Native and deflated objects are re-encoded by
/// the DICOM core's writer; compressed ones need a `PixelDataDecoding`. Compressing is not offered.
public struct Transcoder: Sendable {
    public enum Plan: Sendable, Equatable {
        /// The stored bytes are already in the syntax asked for.
        case asStored
        /// Re-encode the data set (VR form, byte order, deflate) — pixel values are untouched.
        case rewrite
        /// Decode compressed pixel data, then encode natively.
        case decode
    }

    public var decoder: (any PixelDataDecoding)?

    public init(decoder: (any PixelDataDecoding)? = nil) { self.decoder = decoder }

    /// How `stored` becomes `target`, or nil when this server cannot produce it.
    public func plan(from stored: String, to target: String) -> Plan? {
        if stored == target { return .asStored }
        let to = TransferSyntax(uid: target)
        let from = TransferSyntax(uid: stored)
        // The writer produces the little-endian native syntaxes and deflate, never a compressed one.
        let writable = to.isLittleEndian && !to.isEncapsulated
            && [TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian, .deflatedExplicitVRLittleEndian].map(\.uid).contains(target)
        guard writable else { return nil }
        if !from.isEncapsulated { return .rewrite }
        return decoder == nil ? nil : .decode
    }

    /// Writes the object in `reader` as a Part 10 file in `target` to `sink`, in chunks.
    /// Pixel data and other bulk values are read from the stored object as the writer reaches them.
    public func transcode(_ reader: any BlobReader, to target: String, sink: (ByteBuffer) throws -> Void) throws {
        let object = try StoredObject(reader)
        let file = object.file, values = object.values
        var dataSet = file.dataSet
        if file.transferSyntax.isEncapsulated {
            guard let decoder else {
                throw TranscodingError("no decoder for transfer syntax \(file.transferSyntax.uid)")
            }
            dataSet = try decoder.decoded(file, source: values)
        }
        let writer = try Part10Writer(transferSyntax: TransferSyntax(uid: target), chunkSize: 256 * 1024)
        var meta = file.fileMetaInformation
        meta[.transferSyntaxUID] = nil  // the writer states what it writes
        try writer.write(dataSet: dataSet, fileMetaInformation: meta, bulkDataSource: values, to: sink)
    }
}

extension Transcoder {
    /// Frames `numbers` (1-based) of a compressed object, decoded (see `PixelDataDecoding`).
    public func decodedFrames(_ reader: any BlobReader, numbers: [Int]) throws -> [NativeSamples] {
        guard let decoder else { throw TranscodingError("no pixel decoder is configured") }
        let object = try StoredObject(reader)
        return try decoder.decodedFrames(object.file, source: object.values, indices: numbers.map { $0 - 1 })
    }
}

public struct TranscodingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
