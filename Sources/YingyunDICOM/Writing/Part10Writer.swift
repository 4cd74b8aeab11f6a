public import NIOCore

/// Writes a DICOM Part 10 file (PS3.10 §7.1): a 128-byte zero preamble, "DICM", the File Meta
/// Information group in Explicit VR Little Endian, then the data set in the chosen transfer syntax.
///
/// The meta group is rebuilt on every write so it always describes the file:
/// - (0002,0000) File Meta Information Group Length is computed;
/// - (0002,0001) File Meta Information Version is 00\01;
/// - (0002,0002)/(0002,0003) come from the data set's SOP Class/Instance UID (PS3.10 §7.1 requires
///   them to match), falling back to the given meta (a DICOMDIR has no SOP Instance UID);
/// - (0002,0010) is the transfer syntax written;
/// - (0002,0012)/(0002,0013) are Yingyun's (`Implementation`): this implementation wrote the file;
/// - any other group 0002 element given (Source/Sending/Receiving AE Title, private information)
///   is kept.
public struct Part10Writer: Sendable {
    /// The writer of the data set after the meta group.
    public let dataSetWriter: DataSetWriter

    /// The transfer syntax of the data set (and the value of (0002,0010)).
    public var transferSyntax: TransferSyntax { dataSetWriter.transferSyntax }

    /// - Parameters:
    ///   - transferSyntax: a little-endian transfer syntax (see `DataSetWriter`).
    ///   - chunkSize: largest chunk handed to the sink.
    /// - Throws: `DICOMWriteError` (`.unsupportedTransferSyntax`).
    public init(
        transferSyntax: TransferSyntax = .explicitVRLittleEndian, chunkSize: Int = DataSetWriter.defaultChunkSize
    ) throws {
        dataSetWriter = try DataSetWriter(transferSyntax: transferSyntax, chunkSize: chunkSize)
    }

    /// Writes the file to `sink` in chunks of at most `chunkSize` bytes.
    ///
    /// - Parameters:
    ///   - dataSet: the data set. Group 0002 elements found in it are not written in the data set
    ///     (where PS3.10 forbids them) but used as file meta when `fileMetaInformation` lacks them.
    ///   - fileMetaInformation: meta elements to keep (group 0002 only), e.g. a parsed file's meta.
    ///   - bulkDataSource: where `.bulkData` values and encapsulated fragments are read from; for a
    ///     parsed file, `file.valueSource(source)` (the inflated data set of a deflated file).
    ///   - sink: receives the file's bytes in order.
    /// - Throws: `DICOMWriteError`; errors from `sink` or `bulkDataSource` unchanged.
    public func write(
        dataSet: DataSet, fileMetaInformation: DataSet = DataSet(), bulkDataSource: (any ByteSource)? = nil,
        to sink: (ByteBuffer) throws -> Void
    ) throws {
        var body = dataSet
        var given = fileMetaInformation
        for element in dataSet.elements where element.tag.group == 0x0002 {
            body[element.tag] = nil
            if !given.contains(element.tag) { given[element.tag] = element }
        }
        let meta = try self.fileMetaInformation(for: body, given: given, bulkDataSource: bulkDataSource)
        let metaWriter = try DataSetWriter(transferSyntax: .explicitVRLittleEndian, chunkSize: dataSetWriter.chunkSize)
        // Both parts are checked before the first byte goes out.
        try metaWriter.validate(meta, part: .fileMeta, bulkDataSource: bulkDataSource)
        try dataSetWriter.validate(body, part: .dataSet, bulkDataSource: bulkDataSource)
        try withoutActuallyEscaping(sink) { sink in
            var out = ChunkedOutput(chunkSize: dataSetWriter.chunkSize, sink: sink)
            try out.writeByte(0, repeating: 128)
            try out.writeBytes("DICM".utf8)
            try metaWriter.write(meta, part: .fileMeta, bulkDataSource: bulkDataSource, into: &out)
            if transferSyntax.isDeflated {
                // Only the data set is deflated (PS3.5 §A.5): it gets its own compressed stream.
                try out.flush()
                try dataSetWriter.write(body, bulkDataSource: bulkDataSource, to: sink)
            } else {
                try dataSetWriter.write(body, part: .dataSet, bulkDataSource: bulkDataSource, into: &out)
                try out.flush()
            }
        }
    }

    /// Encodes the whole file into one buffer: for small data sets and tests.
    ///
    /// - Parameters: as `write(dataSet:fileMetaInformation:bulkDataSource:to:)`.
    /// - Returns: the file's bytes.
    /// - Throws: as `write(dataSet:fileMetaInformation:bulkDataSource:to:)`.
    public func write(
        dataSet: DataSet, fileMetaInformation: DataSet = DataSet(), bulkDataSource: (any ByteSource)? = nil
    ) throws -> ByteBuffer {
        var result = ByteBuffer()
        try write(dataSet: dataSet, fileMetaInformation: fileMetaInformation, bulkDataSource: bulkDataSource) {
            chunk in
            var chunk = chunk
            result.writeBuffer(&chunk)
        }
        return result
    }

    /// The File Meta Information written for `dataSet` (PS3.10 §7.1), group length included.
    ///
    /// - Parameters:
    ///   - dataSet: the data set (its SOP Class and Instance UIDs are used).
    ///   - given: meta elements to keep; group 0002 only.
    ///   - bulkDataSource: where UIDs left as `.bulkData` are read from (a parse with a low bulk data
    ///     threshold may defer them).
    /// - Returns: the meta group, ready to write in Explicit VR Little Endian.
    /// - Throws: `DICOMWriteError`: `.invalidTag` for a non-0002 element in `given`, `.missingAttribute`
    ///   when a Media Storage SOP Class or Instance UID cannot be found; errors of `bulkDataSource`.
    public func fileMetaInformation(
        for dataSet: DataSet, given: DataSet = DataSet(), bulkDataSource: (any ByteSource)? = nil
    ) throws -> DataSet {
        let metaWriter = try DataSetWriter(transferSyntax: .explicitVRLittleEndian)
        for element in given.elements { try metaWriter.checkTag(element.tag, part: .fileMeta) }
        var meta = given
        meta[.fileMetaInformationGroupLength] = DataElement(
            tag: .fileMetaInformationGroupLength, vr: .UL, bytes: ByteBuffer(bytes: [0, 0, 0, 0]))
        meta[.fileMetaInformationVersion] = DataElement(
            tag: .fileMetaInformationVersion, vr: .OB, bytes: ByteBuffer(bytes: [0x00, 0x01]))
        for (metaTag, dataSetTag) in [
            (Tag.mediaStorageSOPClassUID, Tag.sopClassUID), (Tag.mediaStorageSOPInstanceUID, Tag.sopInstanceUID),
        ] {
            if let element = dataSet[dataSetTag], let uid = try Part10Writer.uidValue(element, bulkDataSource),
                !uid.isEmpty
            {
                meta[metaTag] = Part10Writer.uidElement(metaTag, uid)
            } else if let element = given[metaTag], let uid = try Part10Writer.uidValue(element, bulkDataSource),
                !uid.isEmpty
            {
                meta[metaTag] = Part10Writer.uidElement(metaTag, uid)
            } else {
                throw DICOMWriteError(
                    code: .missingAttribute, tag: metaTag,
                    message: "neither the data set's \(dataSetTag) nor the given meta provides it")
            }
        }
        meta[.transferSyntaxUID] = Part10Writer.uidElement(.transferSyntaxUID, transferSyntax.uid)
        meta[.implementationClassUID] = Part10Writer.uidElement(.implementationClassUID, Implementation.classUID)
        meta[.implementationVersionName] = DataElement(
            tag: .implementationVersionName, vr: .SH, bytes: ByteBuffer(string: Implementation.versionName))
        // Checks tags and values now, so that a bad meta group fails before anything is written.
        let context = EncodingContext(explicitVR: true, source: nil, checksSource: false)
        _ = try metaWriter.encodedLength(of: meta, part: .fileMeta, context: context)
        return meta
    }

    /// A UI element; the writer adds the NUL padding.
    static func uidElement(_ tag: Tag, _ uid: String) -> DataElement {
        DataElement(tag: tag, vr: .UI, bytes: ByteBuffer(string: UID.trimmed(uid)))
    }

    /// The UID in an element, trimmed of padding; read from `source` when left there.
    static func uidValue(_ element: DataElement, _ source: (any ByteSource)?) throws -> String? {
        let bytes: ByteBuffer
        switch element.value {
        case .bytes(let b): bytes = b
        // A UID is at most 64 characters (PS3.5 §9.1); anything much longer is not one.
        case .bulkData(let reference) where reference.length <= 1024:
            guard let source else { return nil }
            bytes = try source.bytes(at: reference.offset, count: reference.length)
        default: return nil
        }
        return UID.trimmed(String(decoding: bytes.readableBytesView, as: UTF8.self))
    }
}
