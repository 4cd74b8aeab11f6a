public import NIOCore

/// A parsed DICOM Part 10 file (PS3.10 §7.1): preamble, File Meta Information and data set.
public struct DICOMFile: Sendable {
    /// The 128-byte preamble and "DICM" prefix were present.
    public var hasPreamble: Bool
    /// Group 0002 elements; empty when the file had none.
    public var fileMetaInformation: DataSet
    public var dataSet: DataSet
    /// The transfer syntax the data set was read with (declared, or detected when missing).
    public var transferSyntax: TransferSyntax
    /// What the lenient parser recovered from.
    public var warnings: [ParseWarning]
    /// Offset in the source where the data set (or its deflated stream) begins.
    public var dataSetOffset: Int
    /// Offset of the top-level pixel data header when the parse stopped before it.
    public var pixelDataOffset: Int?
    /// For deflated syntaxes, the inflated data set: offsets in `dataSet` refer to it, not the source.
    public var inflatedDataSet: ByteBuffer?

    /// The source that `dataSet`'s offsets and bulk data references point into.
    public func valueSource(_ original: any ByteSource) -> any ByteSource {
        if let inflatedDataSet { return BufferByteSource(inflatedDataSet) }
        return original
    }

    /// Parses a Part 10 file, or leniently a bare data set with or without meta (with a warning).
    /// - Parameters:
    ///   - source: the file's bytes.
    ///   - options: what to read and the resource limits.
    /// - Returns: the file's meta, data set and warnings.
    /// - Throws: `DICOMParseError` naming the offset and tag of the first unreadable element.
    public static func parse(_ source: any ByteSource, options: ParseOptions = ParseOptions()) throws -> DICOMFile {
        var parser = DataSetParser(source: source, position: 0, options: options)
        var warnings: [ParseWarning] = []
        var hasPreamble = false
        var reader = parser.reader
        let size = reader.end
        if size >= 132, try reader.ensure(132), isDICM(reader, at: 128) {
            hasPreamble = true
            parser.reader.position = 132
        } else if size >= 4, try reader.ensure(4), isDICM(reader, at: 0) {
            warnings.append(ParseWarning(offset: 0, tag: nil, issue: .missingPreamble, message: "no 128-byte preamble"))
            parser.reader.position = 4
        } else if size >= 8, try reader.ensure(8), reader.u16(at: 0, littleEndian: true) == 0x0002 {
            warnings.append(ParseWarning(offset: 0, tag: nil, issue: .missingPreamble,
                message: "no preamble or DICM prefix; file meta starts the file"))
        } else {
            return try parseBare(source, parser: &parser, options: options)
        }

        let meta = try parseMeta(&parser)
        warnings += parser.warnings
        parser.warnings = []
        let dataSetOffset = parser.reader.position
        var transferSyntax: TransferSyntax
        if let e = meta[.transferSyntaxUID], let uid = e.stringValue(characterSet: .default), !uid.isEmpty {
            transferSyntax = TransferSyntax(uid: uid)
        } else {
            transferSyntax = detectTransferSyntax(&parser.reader, at: dataSetOffset)
            warnings.append(ParseWarning(offset: dataSetOffset, tag: .transferSyntaxUID, issue: .unknownTransferSyntax,
                message: "no Transfer Syntax UID in the file meta; detected \(transferSyntax.uid)"))
        }

        if transferSyntax.isDeflated && dataSetOffset < size {
            let deflated = try source.bytes(at: dataSetOffset, count: size - dataSetOffset)
            let limit = min(options.maximumInflatedSize, max(1 << 20, deflated.readableBytes.multipliedReportingOverflow(by: 1100).partialValue))
            let inflated = try Inflate.inflate(deflated, limit: limit, offset: dataSetOffset)
            let result: DataSetParser.Result
            do {
                result = try DataSetParser.parse(source: BufferByteSource(inflated), at: 0,
                    transferSyntax: .explicitVRLittleEndian, options: options)
            } catch var e as DICOMParseError {
                // Offsets inside a deflated data set exist only after inflation: name both.
                e.message = "at offset \(e.offset) of the inflated data set: " + e.message
                e.offset = dataSetOffset
                throw e
            }
            return DICOMFile(hasPreamble: hasPreamble, fileMetaInformation: meta, dataSet: result.dataSet,
                transferSyntax: transferSyntax, warnings: warnings + result.warnings, dataSetOffset: dataSetOffset,
                pixelDataOffset: result.pixelDataOffset, inflatedDataSet: inflated)
        }

        let dataSet = try parser.parseTopLevel(DataSetEncoding(transferSyntax))
        return DICOMFile(hasPreamble: hasPreamble, fileMetaInformation: meta, dataSet: dataSet,
            transferSyntax: transferSyntax, warnings: warnings + parser.warnings, dataSetOffset: dataSetOffset,
            pixelDataOffset: parser.pixelDataOffset, inflatedDataSet: nil)
    }

    /// Parses a file held in memory.
    public static func parse(_ bytes: ByteBuffer, options: ParseOptions = ParseOptions()) throws -> DICOMFile {
        try parse(BufferByteSource(bytes), options: options)
    }

    private static func isDICM(_ r: SourceReader, at offset: Int) -> Bool {
        r.byte(at: offset) == 0x44 && r.byte(at: offset + 1) == 0x49 && r.byte(at: offset + 2) == 0x43
            && r.byte(at: offset + 3) == 0x4D
    }

    /// Reads group 0002, always Explicit VR Little Endian (PS3.10 §7.1), up to the first other group.
    private static func parseMeta(_ parser: inout DataSetParser) throws -> DataSet {
        var meta = DataSet()
        let start = parser.reader.position
        var declaredEnd: Int?
        while try parser.reader.ensure(8) {
            let at = parser.reader.position
            guard parser.reader.u16(at: at, littleEndian: true) == 0x0002 else { break }
            let h = try parser.readHeader(.explicitLittle, limit: parser.reader.end)
            let e = try parser.parseValue(h, .explicitLittle, limit: parser.reader.end, depth: 1, in: meta)
            if e.tag == .fileMetaInformationGroupLength, let n = e.intValue { declaredEnd = parser.reader.position + n }
            _ = meta.appendOrInsert(e)
        }
        if meta.isEmpty {
            throw DICOMParseError(code: .invalidMeta, offset: start, tag: nil, message: "DICM prefix without file meta")
        }
        if let declaredEnd, declaredEnd != parser.reader.position {
            parser.warn(.metaGroupLength, start, .fileMetaInformationGroupLength,
                "group length says the meta ends at \(declaredEnd), it ends at \(parser.reader.position)")
        }
        return meta
    }

    /// A data set with no meta at all: guess its encoding from its first element (PS3.5 §7).
    private static func parseBare(_ source: any ByteSource, parser: inout DataSetParser, options: ParseOptions)
        throws -> DICOMFile
    {
        guard try parser.reader.ensure(8) else {
            throw DICOMParseError(code: .notDICOM, offset: 0, tag: nil, message: "too short to be DICOM")
        }
        let ts = detectTransferSyntax(&parser.reader, at: 0)
        let le = ts.isLittleEndian
        let group = parser.reader.u16(at: 0, littleEndian: le)
        // A bare data set starts with a low, even group (command, identifying or patient data).
        guard group >= 0x0004, group <= 0x0010 || group == 0x0028 || group == 0x0020 || group == 0x0018 else {
            throw DICOMParseError(code: .notDICOM, offset: 0, tag: nil,
                message: "no DICM prefix and no recognisable data element at the start")
        }
        var warnings = [ParseWarning(offset: 0, tag: nil, issue: .missingFileMeta,
            message: "no preamble or file meta; read as a bare \(ts.uid) data set")]
        let ds = try parser.parseDataSet(DataSetEncoding(ts), limit: parser.reader.end, delimited: false, depth: 0)
        warnings += parser.warnings
        return DICOMFile(hasPreamble: false, fileMetaInformation: DataSet(), dataSet: ds, transferSyntax: ts,
            warnings: warnings, dataSetOffset: 0, pixelDataOffset: parser.pixelDataOffset, inflatedDataSet: nil)
    }

    /// Guesses the encoding of the element at `offset`: byte order from the group number, explicit VR
    /// when bytes 4–5 name a VR.
    private static func detectTransferSyntax(_ r: inout SourceReader, at offset: Int) -> TransferSyntax {
        let saved = r.position
        r.position = offset
        defer { r.position = saved }
        guard (try? r.ensure(8)) == true else { return .explicitVRLittleEndian }
        let little = r.u16(at: offset, littleEndian: true)
        let big = r.u16(at: offset, littleEndian: false)
        let isLittle = little <= big  // low group numbers: 0x0008 reads as 0x0800 in the wrong order
        let explicit = VR(byte0: r.byte(at: offset + 4), byte1: r.byte(at: offset + 5)) != nil
        switch (explicit, isLittle) {
        case (true, true): return .explicitVRLittleEndian
        case (true, false): return .explicitVRBigEndian
        default: return .implicitVRLittleEndian
        }
    }
}
