public import NIOCore
public import YingyunArchive
import YingyunDICOM
public import YingyunNetwork
public import YingyunStore

/// The archive's `Transcoder` as the network layer's `DataSetTranscoding`: a C-GET/C-MOVE
/// sub-operation for a peer that did not accept the stored transfer syntax gets the data set
/// re-encoded (native and deflated objects by the writer, compressed ones decoded first by the
/// `PixelDataDecoding`). Only the data set is written: a DIMSE message has no File Meta
/// Information.
extension Transcoder {
    /// What a sub-operation may fall back to, most preferred first (PS3.5 Annex A: Explicit VR
    /// Little Endian keeps the VRs; Implicit VR Little Endian is the syntax every peer has).
    public static let subOperationTransferSyntaxes = [UID.explicitVRLittleEndian, UID.implicitVRLittleEndian]

    /// The transcoding seam for an object stored in `stored`, nil when it cannot be re-encoded
    /// into any of `subOperationTransferSyntaxes`.
    /// - Parameter reader: opens the stored object when the sub-operation runs.
    public func dataSetTranscoding(from stored: String, reader: @escaping @Sendable () throws -> any BlobReader) -> DataSetTranscoding? {
        let targets = Self.subOperationTransferSyntaxes.filter { $0 != stored && plan(from: stored, to: $0) != nil }
        guard !targets.isEmpty else { return nil }
        let transcoder = self
        return DataSetTranscoding(transferSyntaxUIDs: targets) { target, sink in
            try transcoder.writeDataSet(try reader(), to: target, sink: sink)
        }
    }

    /// Writes the data set of the object in `reader` in `target` to `sink`, in chunks; bulk
    /// values (pixel data) are read from the stored object as the writer reaches them, except
    /// that compressed pixel data is decoded first (one instance held decoded, as WADO-RS does).
    /// - Throws: `TranscodingError` when no decoder is configured for a compressed object;
    ///   parse, decode and write errors.
    public func writeDataSet(_ reader: any BlobReader, to target: String, sink: (ByteBuffer) throws -> Void) throws {
        let object = try StoredObject(reader)
        var dataSet = object.file.dataSet
        if object.file.transferSyntax.isEncapsulated {
            guard let decoder else {
                throw TranscodingError("no decoder for transfer syntax \(object.file.transferSyntax.uid)")
            }
            dataSet = try decoder.decoded(object.file, source: object.values)
        }
        let writer = try DataSetWriter(transferSyntax: TransferSyntax(uid: target), chunkSize: 256 * 1024)
        try writer.write(dataSet, bulkDataSource: object.values, to: sink)
    }
}
