import NIOCore

/// Parses an encoded data set (PS3.5 §7) from a `ByteSource` into a `DataSet`.
///
/// Lenient when reading (STYLE §6): recoverable oddities become `ParseWarning`s; anything that
/// cannot be read throws `DICOMParseError` with the byte offset and tag. Every length is checked
/// against its container and the source before anything is allocated, nesting is bounded, and each
/// loop iteration consumes at least 8 bytes, so no input can hang the parser or make it allocate
/// far beyond the input's size.
public struct DataSetParser {
    var reader: SourceReader
    let options: ParseOptions
    var warnings: [ParseWarning] = []
    /// Offset of the top-level pixel data header when the parse stopped before it.
    var pixelDataOffset: Int?
    /// PixelRepresentation of the enclosing data sets, for US/SS resolution inside items (PS3.5 §A.1).
    var inheritedPixelRepresentation: Int?

    init(source: any ByteSource, position: Int, options: ParseOptions) {
        self.reader = SourceReader(source: source, position: position)
        self.options = options
    }

    /// The result of parsing a bare data set.
    public struct Result: Sendable {
        public var dataSet: DataSet
        public var warnings: [ParseWarning]
        /// Offset of the (7FE0,0010) header when `stopBeforePixelData` stopped the parse there.
        public var pixelDataOffset: Int?
    }

    /// Parses the data set that starts at `offset` and runs to the end of `source`, as encoded by
    /// `transferSyntax` (which must not be deflated: inflate first).
    /// - Throws: `DICOMParseError` naming the offset and tag of the first unreadable element.
    public static func parse(
        source: any ByteSource, at offset: Int = 0, transferSyntax: TransferSyntax,
        options: ParseOptions = ParseOptions()
    ) throws -> Result {
        var parser = DataSetParser(source: source, position: offset, options: options)
        let ds = try parser.parseTopLevel(DataSetEncoding(transferSyntax))
        return Result(dataSet: ds, warnings: parser.warnings, pixelDataOffset: parser.pixelDataOffset)
    }

    mutating func warn(_ issue: ParseWarning.Issue, _ offset: Int, _ tag: Tag?, _ message: String) {
        // Bounded: a hostile file must not grow the warning list without limit.
        if warnings.count < 1000 {
            warnings.append(ParseWarning(offset: offset, tag: tag, issue: issue, message: message))
        }
    }

    func error(_ code: DICOMParseError.Code, _ offset: Int, _ tag: Tag?, _ message: String) -> DICOMParseError {
        DICOMParseError(code: code, offset: offset, tag: tag, message: message)
    }

    // MARK: Headers

    /// Reads one element or item header at the current position; `limit` is the container's end.
    mutating func readHeader(_ enc: DataSetEncoding, limit: Int) throws -> ElementHeader {
        let start = reader.position
        guard start + 8 <= limit, try reader.ensure(8) else {
            throw error(.truncated, start, nil, "input ends inside an element header")
        }
        let le = enc.isLittleEndian
        let tag = Tag(reader.u16(at: start, littleEndian: le), reader.u16(at: start + 2, littleEndian: le))
        if tag.group == 0xFFFE || !enc.isExplicitVR {
            // Items and delimiters never carry a VR (PS3.5 §7.5); implicit VR headers are tag + 32-bit length.
            reader.position = start + 8
            return ElementHeader(
                tag: tag, vr: nil, length: Length(reader.u32(at: start + 4, littleEndian: le)), offset: start,
                valueOffset: start + 8)
        }
        let b0 = reader.byte(at: start + 4)
        let b1 = reader.byte(at: start + 5)
        if let vr = VR(byte0: b0, byte1: b1) {
            if vr.hasLongExplicitLength {
                guard start + 12 <= limit, try reader.ensure(12) else {
                    throw error(.truncated, start, tag, "input ends inside an element header")
                }
                reader.position = start + 12
                return ElementHeader(
                    tag: tag, vr: vr, length: Length(reader.u32(at: start + 8, littleEndian: le)), offset: start,
                    valueOffset: start + 12)
            }
            reader.position = start + 8
            return ElementHeader(
                tag: tag, vr: vr, length: Length(UInt32(reader.u16(at: start + 6, littleEndian: le))), offset: start,
                valueOffset: start + 8)
        }
        if isUpper(b0) && isUpper(b1) {
            // A VR this code does not know: PS3.5 §6.2 says new VRs use the 32-bit length form. Read as UN.
            guard start + 12 <= limit, try reader.ensure(12) else {
                throw error(.truncated, start, tag, "input ends inside an element header")
            }
            warn(.unknownVR, start, tag, "unknown VR '\(asciiPair(b0, b1))' read as UN")
            reader.position = start + 12
            return ElementHeader(
                tag: tag, vr: .UN, length: Length(reader.u32(at: start + 8, littleEndian: le)), offset: start,
                valueOffset: start + 12, unknownVRBytes: (b0, b1))
        }
        // Not a VR at all: an implicit VR element inside an explicit VR data set (seen from some writers).
        warn(.implicitVRInExplicit, start, tag, "no VR in an explicit VR data set; read as implicit VR")
        reader.position = start + 8
        return ElementHeader(
            tag: tag, vr: nil, length: Length(reader.u32(at: start + 4, littleEndian: le)), offset: start,
            valueOffset: start + 8)
    }

    // MARK: Data sets

    mutating func parseTopLevel(_ enc: DataSetEncoding) throws -> DataSet {
        let enc = detectEncoding(at: reader.position, declared: enc)
        return try parseDataSet(enc, limit: reader.end, delimited: false, depth: 0)
    }

    /// Parses elements until `limit`, or until an Item Delimitation Item when `delimited`.
    mutating func parseDataSet(_ enc: DataSetEncoding, limit: Int, delimited: Bool, depth: Int) throws -> DataSet {
        var ds = DataSet()
        if depth == 0 { ds.reserveCapacity(128) }
        let topLevel = depth == 0
        while reader.position < limit {
            let start = reader.position
            if topLevel && limit - start < 8 {
                try trailingBytes(at: start, limit: limit)
                break
            }
            let h = try readHeader(enc, limit: limit)
            if h.tag.group == 0xFFFE {
                if h.tag == .itemDelimitationItem {
                    if delimited { return ds }
                    warn(.missingSequenceDelimiter, start, h.tag, "item delimiter outside an item ignored")
                    continue
                }
                if h.tag == .sequenceDelimitationItem && !topLevel {
                    // The item's own delimiter is missing; let the sequence see its delimiter.
                    warn(.missingSequenceDelimiter, start, h.tag, "item ended by a sequence delimiter")
                    reader.position = start
                    return ds
                }
                if h.tag == .sequenceDelimitationItem {
                    warn(.trailingBytes, start, h.tag, "stray sequence delimiter ignored")
                    continue
                }
                throw error(.invalidItem, start, h.tag, "item tag where a data element was expected")
            }
            if topLevel && options.stopBeforePixelData
                && (h.tag == .pixelData || h.tag == .floatPixelData || h.tag == .doubleFloatPixelData)
            {
                pixelDataOffset = start
                reader.position = start
                break
            }
            let element = try parseValue(h, enc, limit: limit, depth: depth, in: ds)
            if ds.appendOrInsert(element) {
                warn(.duplicateTag, start, h.tag, "duplicate element; the later one is kept")
            }
        }
        if delimited && !topLevel && limit == reader.end {
            warn(.missingSequenceDelimiter, reader.position, nil, "input ends before an item delimiter")
        }
        return ds
    }

    /// Fewer bytes than a header remain at the end of the input: zero padding is tolerated.
    mutating func trailingBytes(at start: Int, limit: Int) throws {
        guard try reader.ensure(limit - start) else { return }
        for i in start..<limit where reader.byte(at: i) != 0 {
            throw error(.truncated, start, nil, "input ends inside an element header")
        }
        warn(.trailingBytes, start, nil, "\(limit - start) trailing zero bytes ignored")
        reader.position = limit
    }

    // MARK: Values

    mutating func parseValue(_ h: ElementHeader, _ enc: DataSetEncoding, limit: Int, depth: Int, in ds: DataSet)
        throws -> DataElement
    {
        var vr: VR
        var valueEnc = enc
        if let explicit = h.vr {
            vr = explicit
            if explicit == .UN, h.unknownVRBytes == nil, !h.length.isUndefined || implicitVR(for: h.tag, in: ds) == .SQ {
                // A UN whose tag is known (standard, private creator, or a known private creator's
                // element): its value is implicit VR LE (PS3.5 §6.2.2), so take the dictionary's VR.
                let known = implicitVR(for: h.tag, in: ds)
                if known != .UN {
                    vr = known
                    valueEnc = .implicitLittle
                }
            } else if options.checkVRAgainstDictionary, !h.tag.isPrivate, explicit != .UN,
                let primary = DataDictionary.vr(for: h.tag), primary != explicit,
                let entry = DataDictionary.entry(for: h.tag), !entry.vrs.contains(explicit)
            {
                warn(.vrMismatch, h.offset, h.tag, "VR \(explicit) where the dictionary says \(entry.vr)")
            }
        } else {
            vr = implicitVR(for: h.tag, in: ds)
        }

        if h.length.isUndefined {
            // Encapsulated pixel data, at the top level or in an item (icon images, PS3.3 F.7).
            if h.tag == .pixelData {
                let px = try parseEncapsulated(h, enc, limit: limit, in: ds)
                return DataElement(tag: h.tag, vr: h.vr == nil || h.vr == .UN ? .OB : vr, length: h.length, value: .encapsulated(px),
                    valueOffset: h.valueOffset)
            }
            if vr != .SQ {
                if vr == .UN {
                    // PS3.5 §6.2.2: UN of undefined length is a sequence encoded as implicit VR LE.
                    valueEnc = .implicitLittle
                } else {
                    warn(.undefinedLengthNonSequence, h.offset, h.tag, "undefined length on VR \(vr); read as a sequence")
                }
                vr = .SQ
            }
            let items = try parseSequence(h, valueEnc, limit: limit, depth: depth, parent: ds)
            return DataElement(tag: h.tag, vr: vr, length: h.length, value: .sequence(items), valueOffset: h.valueOffset)
        }

        let length = Int(h.length.rawValue)
        guard length <= limit - h.valueOffset else {
            let code: DICOMParseError.Code = limit == reader.end ? .truncated : .invalidLength
            throw error(code, h.offset, h.tag,
                "value length \(length) exceeds the \(limit - h.valueOffset) bytes left in its container")
        }
        if length & 1 == 1 {
            warn(.oddLength, h.offset, h.tag, "odd value length \(length)")
        }
        if vr == .SQ {
            let fromUN = h.vr == .UN
            let savedWarnings = warnings.count
            do {
                let items = try parseSequence(
                    h, valueEnc, limit: h.valueOffset + length, depth: depth, parent: ds, outerLimit: limit)
                return DataElement(tag: h.tag, vr: vr, length: h.length, value: .sequence(items), valueOffset: h.valueOffset)
            } catch let e as DICOMParseError where fromUN && e.code != .nestingTooDeep {
                // A UN that does not hold the sequence its tag promises stays UN: lenient, and lossless.
                reader.position = h.valueOffset
                warnings.removeSubrange(min(savedWarnings, warnings.count)...)
                warn(.vrMismatch, h.offset, h.tag, "UN value is not a valid implicit VR sequence; kept as UN")
                vr = .UN
                valueEnc = enc
            }
        }
        if length >= options.bulkDataThreshold && (vr.isBulkBinary || (depth == 0 && h.tag == .pixelData)) {
            reader.position = h.valueOffset + length
            let ref = BulkDataReference(offset: h.valueOffset, length: length, isLittleEndian: valueEnc.isLittleEndian)
            return DataElement(tag: h.tag, vr: vr, length: h.length, value: .bulkData(ref), valueOffset: h.valueOffset)
        }
        guard var bytes = try reader.read(count: length) else {
            throw error(.truncated, h.offset, h.tag, "input ends inside the value")
        }
        if !valueEnc.isLittleEndian, let unit = vr.fixedValueSize, unit > 1 {
            bytes = ByteOrder.swapped(bytes, unit: unit)
        }
        return DataElement(tag: h.tag, vr: vr, length: h.length, value: .bytes(bytes), valueOffset: h.valueOffset)
    }

    // MARK: Sequences

    /// Parses the items of a sequence whose header is `h` (PS3.5 §7.5).
    mutating func parseSequence(
        _ h: ElementHeader, _ enc: DataSetEncoding, limit sequenceLimit: Int, depth: Int, parent: DataSet,
        outerLimit: Int? = nil
    ) throws -> [DataSet] {
        var limit = sequenceLimit
        guard depth < options.maximumDepth else {
            throw error(.nestingTooDeep, h.offset, h.tag, "sequences nested deeper than \(options.maximumDepth)")
        }
        let savedPixelRepresentation = inheritedPixelRepresentation
        if let pr = parent[.pixelRepresentation]?.intValue { inheritedPixelRepresentation = pr }
        defer { inheritedPixelRepresentation = savedPixelRepresentation }
        let undefined = h.length.isUndefined
        var items: [DataSet] = []
        while true {
            if reader.position >= limit {
                if undefined {
                    warn(.missingSequenceDelimiter, reader.position, h.tag, "sequence ends without a delimiter")
                }
                break
            }
            let item = try readHeader(DataSetEncoding(isExplicitVR: false, isLittleEndian: enc.isLittleEndian),
                limit: limit)
            switch item.tag {
            case .sequenceDelimitationItem:
                if undefined { return items }
                warn(.missingSequenceDelimiter, item.offset, h.tag, "sequence delimiter in a defined-length sequence")
            case .item:
                let itemLimit: Int
                if item.length.isUndefined {
                    itemLimit = limit
                } else {
                    let n = Int(item.length.rawValue)
                    if n > limit - item.valueOffset, let outerLimit, n <= outerLimit - item.valueOffset {
                        // The sequence's length is too short for its last item (dcmtk and pydicom read on).
                        warn(.invalidSequenceLength, item.offset, h.tag,
                            "item runs \(n - (limit - item.valueOffset)) bytes past its sequence's length")
                        limit = item.valueOffset + n
                    }
                    guard n <= limit - item.valueOffset else {
                        throw error(limit == reader.end ? .truncated : .invalidLength, item.offset, h.tag,
                            "item length \(n) exceeds the \(limit - item.valueOffset) bytes left in its sequence")
                    }
                    itemLimit = item.valueOffset + n
                }
                var ds = try parseDataSet(enc, limit: itemLimit, delimited: item.length.isUndefined, depth: depth + 1)
                ds.itemOffset = item.offset
                if !item.length.isUndefined { reader.position = itemLimit }
                items.append(ds)
            case .itemDelimitationItem:
                warn(.missingSequenceDelimiter, item.offset, h.tag, "item delimiter between items ignored")
            default:
                throw error(.invalidItem, item.offset, h.tag,
                    "expected an item (FFFE,E000) in the sequence, found \(item.tag)")
            }
        }
        return items
    }

    // MARK: VRs

    /// The VR of an implicit VR element: from the standard or private dictionary, else UN (PS3.5 §A.1).
    func implicitVR(for tag: Tag, in ds: DataSet) -> VR {
        if tag.element == 0 { return .UL }  // group length
        if tag.isPrivate {
            if tag.isPrivateCreator { return .LO }
            if let creator = ds.privateCreator(for: tag),
                let entry = DataDictionary.entry(for: tag, privateCreator: creator)
            {
                return resolveAmbiguous(entry.vrs, tag: tag, in: ds, implicit: true)
            }
            return .UN
        }
        guard let entry = DataDictionary.entry(for: tag) else { return .UN }
        return resolveAmbiguous(entry.vrs, tag: tag, in: ds, implicit: true)
    }

    /// Picks one VR where the dictionary allows several (PS3.5 §A.1, PS3.3 C.7.6.3.1).
    func resolveAmbiguous(_ vrs: [VR], tag: Tag, in ds: DataSet, implicit: Bool) -> VR {
        guard vrs.count > 1 else { return vrs.first ?? .UN }
        if vrs.contains(.SS) && vrs.contains(.US) {
            let pr = ds[.pixelRepresentation]?.intValue ?? inheritedPixelRepresentation
            return pr == 1 ? .SS : .US
        }
        if vrs.contains(.OW) && vrs.contains(.OB) {
            // Implicit VR pixel data is OW (PS3.5 §A.1); otherwise OW when words, OB when bytes.
            if implicit { return .OW }
            return (ds[.bitsAllocated]?.intValue ?? 16) > 8 ? .OW : .OB
        }
        if vrs.contains(.US) { return .US }
        return vrs[0]
    }

    // MARK: Encoding detection

    /// Checks the first element against the declared encoding and switches when the bytes disagree
    /// (files that say explicit VR but are implicit, and the reverse, exist in the wild).
    mutating func detectEncoding(at offset: Int, declared: DataSetEncoding) -> DataSetEncoding {
        guard (try? reader.ensure(8)) == true, reader.position == offset else { return declared }
        let b4 = reader.byte(at: offset + 4)
        let b5 = reader.byte(at: offset + 5)
        let looksExplicit = VR(byte0: b4, byte1: b5) != nil
        if declared.isExplicitVR && !looksExplicit {
            warn(.implicitVRInExplicit, offset, nil, "data set declared explicit VR is implicit VR; read as implicit")
            return DataSetEncoding(isExplicitVR: false, isLittleEndian: declared.isLittleEndian)
        }
        if !declared.isExplicitVR && looksExplicit {
            warn(.explicitVRInImplicit, offset, nil, "data set declared implicit VR is explicit VR; read as explicit")
            return DataSetEncoding(isExplicitVR: true, isLittleEndian: declared.isLittleEndian)
        }
        return declared
    }
}

@inline(__always) func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }

func asciiPair(_ a: UInt8, _ b: UInt8) -> String {
    String(decoding: [a, b].map { $0 >= 0x20 && $0 < 0x7F ? $0 : 0x3F }, as: UTF8.self)
}
