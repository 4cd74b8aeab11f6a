public import NIOCore

/// Writes a data set as a DICOM JSON Model object (PS3.18 Annex F): compact UTF-8 JSON, built
/// directly in a byte array.
///
/// Conventions, chosen to follow the standard first and pydicom's `Dataset.to_json_dict()`
/// where the standard leaves room:
/// - Attributes appear in tag order; Group Length (gggg,0000) attributes are left out (§F.2.2;
///   pydicom keeps them).
/// - "Value" is omitted for a zero-length value, and when the only value is empty after its
///   padding is removed (`"  "`, `"=="`); an empty sequence has no "Value" either (§F.2.5;
///   pydicom writes `"Value": []` for it).
/// - Empty values within a multi-valued attribute are `null` (§F.2.5; pydicom writes `""`).
/// - Each string value loses its trailing padding (spaces, and NULs); leading spaces are kept,
///   as pydicom does (they are significant in LT, ST, UT and UC, and harmless elsewhere).
///   pydicom strips only the end of the whole field, so it keeps "DERIVED " in
///   "DERIVED \PRIMARY"; trailing spaces are not significant in any VR that splits (PS3.5 §6.2).
///   LT, ST, UT and UR are always one value (PS3.5 §6.4).
/// - PN values are objects holding only the non-empty component groups among "Alphabetic",
///   "Ideographic" and "Phonetic" (§F.2.2; pydicom always writes "Alphabetic", even empty).
///   A PN value whose groups are all empty is `null`.
/// - IS and DS values are JSON numbers when they parse: IS as integers (an integral decimal
///   such as "12.0" becomes 12), DS as the shortest round-trip double (1.0 for "1", as pydicom).
///   A value that is not a valid number (or an IS with a fraction) is written as a JSON string,
///   which §F.2.3 allows for IS and DS "to preserve the original format" (pydicom raises).
/// - SV and UV are exact JSON integers, even beyond 2^53 (as pydicom).
/// - FL values are written as the double they widen to (0.1f → 0.10000000149011612), so the
///   JSON number read back as a double equals the stored value exactly (as pydicom). NaN and
///   ±infinity have no JSON literal: they are the strings "NaN", "Infinity", "-Infinity"
///   (pydicom writes the non-JSON literals NaN/Infinity).
/// - AT values are "GGGGEEEE" strings.
/// - OB, OD, OF, OL, OV, OW, UN and encapsulated pixel data are "InlineBinary" (base64 of the
///   little-endian value, §F.2.7: the JSON model has no transfer syntax, so OW from a big-endian
///   file is written little endian; pydicom writes the file's bytes) or "BulkDataURI" (§F.2.6) when longer than
///   `bulkDataThreshold` bytes and the `bulkDataURI` closure returns a URI.
/// - Text is decoded with the Specific Character Set in effect: the data set's own (0008,0005),
///   inherited by sequence items that do not declare their own (PS3.3 §C.12.1.1.2).
public struct DICOMJSONEncoder: Sendable {
    /// Binary values longer than this many bytes are offered to `bulkDataURI`.
    public var bulkDataThreshold: Int
    /// Returns the "BulkDataURI" for a large binary value, or nil to inline it after all.
    /// When nil, every binary value is inlined.
    public var bulkDataURI: (@Sendable (BulkDataContext) -> String?)?
    /// Inline every binary value as base64, whatever its length (the CLI's `--inline`).
    public var inlineAll: Bool
    /// How text that does not fit its declared character set is decoded.
    public var characterSetOptions: CharacterSetOptions

    /// - Parameters:
    ///   - bulkDataThreshold: binary values longer than this (in bytes) become BulkDataURIs
    ///     when `bulkDataURI` supplies one.
    ///   - bulkDataURI: supplies the URI for a large binary value; nil inlines everything.
    ///   - inlineAll: inline every binary value, ignoring the threshold and the closure.
    ///   - characterSetOptions: passed to `SpecificCharacterSet.decode`.
    public init(
        bulkDataThreshold: Int = 1024,
        bulkDataURI: (@Sendable (BulkDataContext) -> String?)? = nil,
        inlineAll: Bool = false,
        characterSetOptions: CharacterSetOptions = .default
    ) {
        self.bulkDataThreshold = bulkDataThreshold
        self.bulkDataURI = bulkDataURI
        self.inlineAll = inlineAll
        self.characterSetOptions = characterSetOptions
    }

    /// Encodes `dataSet` as one compact DICOM JSON object (UTF-8 bytes).
    /// - Parameters:
    ///   - dataSet: the data set (not the file meta group, unless the caller wants it).
    ///   - source: where values left in the source (`.bulkData`, `.encapsulated`) are read from
    ///     when they are inlined: for a parsed file, `file.valueSource(original)` (a deflated
    ///     file's offsets point into its inflated data set).
    /// - Returns: the JSON text as UTF-8 bytes.
    /// - Throws: `DICOMJSONError` with code `.missingSource` when a value must be read and
    ///   there is no source, `.invalidValue` when the source cannot supply it.
    public func encode(_ dataSet: DataSet, source: (any ByteSource)?) throws(DICOMJSONError) -> [UInt8] {
        var run = EncodingRun(options: self, source: source)
        try run.writeDataSet(dataSet, inherited: .default)
        return run.writer.bytes
    }

    /// Encodes `dataSet` into a `ByteBuffer` (for HTTP bodies).
    /// - Returns: the JSON text as UTF-8 bytes.
    /// - Throws: as `encode(_:source:)`.
    public func encodeToBuffer(_ dataSet: DataSet, source: (any ByteSource)?) throws(DICOMJSONError) -> ByteBuffer {
        ByteBuffer(bytes: try encode(dataSet, source: source))
    }
}

/// The mutable state of one `encode` call: the output and where we are in the item tree.
struct EncodingRun {
    let options: DICOMJSONEncoder
    let source: (any ByteSource)?
    var writer: JSONWriter
    var path: [BulkDataContext.PathComponent] = []

    init(options: DICOMJSONEncoder, source: (any ByteSource)?) {
        self.options = options
        self.source = source
        self.writer = JSONWriter(capacity: 16 * 1024)
    }

    mutating func writeDataSet(_ ds: DataSet, inherited: SpecificCharacterSet) throws(DICOMJSONError) {
        var charset = inherited
        if let cs = ds[.specificCharacterSet] { charset = SpecificCharacterSet(element: cs) }
        writer.byte(UInt8(ascii: "{"))
        var first = true
        for e in ds.elements {
            if e.tag.isGroupLength || e.tag.isItemOrDelimiter { continue }
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            writer.quotedTag(e.tag)
            writer.byte(UInt8(ascii: ":"))
            try writeElement(e, charset: charset)
        }
        writer.byte(UInt8(ascii: "}"))
    }

    private mutating func writeElement(_ e: DataElement, charset: SpecificCharacterSet) throws(DICOMJSONError) {
        writer.raw("{\"vr\":\"")
        // Items can only be written as SQ: a "Value" array of objects under any other VR would not
        // be DICOM JSON (the parser already reports UN-read-as-sequence as SQ).
        if case .sequence = e.value {
            writer.raw("SQ")
        } else {
            writer.bytes.append(contentsOf: e.vr.rawValue.utf8)
        }
        writer.byte(UInt8(ascii: "\""))
        switch e.value {
        case .sequence(let items):
            if !items.isEmpty {
                writer.raw(",\"Value\":[")
                for (i, item) in items.enumerated() {
                    if i > 0 { writer.byte(UInt8(ascii: ",")) }
                    path.append(.init(tag: e.tag, itemIndex: i))
                    try writeDataSet(item, inherited: charset)
                    path.removeLast()
                }
                writer.byte(UInt8(ascii: "]"))
            }
        case .encapsulated(let px):
            try writeBinary(
                e, length: px.valueLength, valueOffset: px.valueOffset, inMemory: nil,
                swapUnit: nil)
        case .bulkData(let ref):
            let swap = ref.isLittleEndian ? nil : e.vr.fixedValueSize
            if e.vr.isBulkBinary {
                try writeBinary(e, length: ref.length, valueOffset: ref.offset, inMemory: nil, swapUnit: swap)
            } else if source != nil {
                var bytes = try read(e, offset: ref.offset, length: ref.length)
                if let unit = swap, unit > 1 { EncodingRun.swapBytes(&bytes, unit: unit) }
                writeValue(e, ByteBuffer(bytes: bytes), charset: charset)
            } else if ref.length > 0,
                let uri = options.bulkDataURI?(
                    BulkDataContext(path: path, tag: e.tag, vr: e.vr, length: ref.length, valueOffset: ref.offset))
            {
                writer.raw(",\"BulkDataURI\":")
                writer.string(uri)
            } else if ref.length > 0 {
                throw DICOMJSONError(
                    code: .missingSource, offset: ref.offset, tag: e.tag,
                    message: "the value was left in the source and no source was given")
            }
        case .bytes(let b):
            if e.vr.isBulkBinary || e.vr == .SQ {
                if e.vr == .SQ { break }  // a zero-length or unparsed SQ: no items to show
                try writeBinary(
                    e, length: b.readableBytes, valueOffset: e.valueOffset, inMemory: b, swapUnit: nil)
            } else {
                writeValue(e, b, charset: charset)
            }
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// Writes "InlineBinary" or "BulkDataURI" for a binary value (PS3.18 §F.2.6, §F.2.7).
    private mutating func writeBinary(
        _ e: DataElement, length: Int, valueOffset: Int, inMemory: ByteBuffer?, swapUnit: Int?
    ) throws(DICOMJSONError) {
        if length <= 0 { return }
        if !options.inlineAll, length > options.bulkDataThreshold, let uriFor = options.bulkDataURI,
            let uri = uriFor(
                BulkDataContext(path: path, tag: e.tag, vr: e.vr, length: length, valueOffset: valueOffset))
        {
            writer.raw(",\"BulkDataURI\":")
            writer.string(uri)
            return
        }
        writer.raw(",\"InlineBinary\":\"")
        if let b = inMemory {
            b.withUnsafeReadableBytes { Base64.encode($0, into: &writer.bytes) }
        } else {
            var bytes = try read(e, offset: valueOffset, length: length)
            if let unit = swapUnit, unit > 1 { EncodingRun.swapBytes(&bytes, unit: unit) }
            bytes.withUnsafeBytes { Base64.encode($0, into: &writer.bytes) }
        }
        writer.byte(UInt8(ascii: "\""))
    }

    private func read(_ e: DataElement, offset: Int, length: Int) throws(DICOMJSONError) -> [UInt8] {
        guard let source else {
            throw DICOMJSONError(
                code: .missingSource, offset: offset, tag: e.tag,
                message: "the value was left in the source and no source was given")
        }
        let buffer: ByteBuffer
        do {
            buffer = try source.bytes(at: offset, count: length)
        } catch {
            throw DICOMJSONError(
                code: .invalidValue, offset: offset, tag: e.tag, message: "reading the value failed: \(error)")
        }
        guard buffer.readableBytes == length else {
            throw DICOMJSONError(
                code: .invalidValue, offset: offset, tag: e.tag,
                message: "the source ends before the value (\(buffer.readableBytes) of \(length) bytes)")
        }
        return Array(buffer.readableBytesView)
    }

    /// Reverses each `unit`-byte group: big-endian values left in the source become little endian.
    static func swapBytes(_ bytes: inout [UInt8], unit: Int) {
        var i = 0
        while i + unit <= bytes.count {
            bytes[i..<(i + unit)].reverse()
            i += unit
        }
    }
}
