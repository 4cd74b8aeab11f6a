import NIOCore

/// Reads DICOM JSON Model objects (PS3.18 Annex F) back into data sets, as a writer would
/// encode them: little-endian binary values, text values padded to even length (space; NUL for
/// UI and binary VRs, PS3.5 §6.2), multiple values joined by "\" (PS3.5 §6.4).
///
/// Text is stored as UTF-8. When a data set (or an item that declares its own character set)
/// holds non-ASCII text in a VR affected by Specific Character Set, its (0008,0005) is set to
/// "ISO_IR 192", replacing any other declaration, because that is what the bytes now are.
///
/// Accepted beyond the encoder's own output: IS, DS, SV and UV values as JSON strings (§F.2.3),
/// "NaN"/"Infinity"/"-Infinity" strings for FL and FD, integral numbers written with a fraction
/// or exponent ("512.0") for integer VRs, PN values given as plain "A=I=P" strings, and `null`
/// "Value" for an empty attribute.
public struct DICOMJSONDecoder: Sendable {
    /// Resolves a "BulkDataURI" (§F.2.6) to the attribute's value: the URI, the tag and the VR.
    /// When nil, a BulkDataURI is an error (`DICOMJSONError.Code.bulkDataUnresolved`).
    public var bulkDataResolver: (@Sendable (String, Tag, VR) throws -> ElementValue)?
    /// Deepest nesting of JSON arrays and objects accepted. Each sequence level uses 3 (attribute
    /// object, "Value" array, item object), so 256 admits the 64 sequence levels the parser
    /// accepts (`ParseOptions.maximumDepth`).
    public var maxDepth: Int

    /// - Parameters:
    ///   - bulkDataResolver: turns a BulkDataURI into a value; nil makes BulkDataURIs errors.
    ///   - maxDepth: the JSON nesting limit that keeps hostile input from exhausting the stack.
    public init(
        bulkDataResolver: (@Sendable (String, Tag, VR) throws -> ElementValue)? = nil,
        maxDepth: Int = 256
    ) {
        self.bulkDataResolver = bulkDataResolver
        self.maxDepth = maxDepth
    }

    /// Decodes one DICOM JSON Model object.
    /// - Parameter json: UTF-8 JSON text whose top-level value is an object.
    /// - Returns: the data set, elements sorted by tag.
    /// - Throws: `DICOMJSONError` with the byte offset of the offending JSON value.
    public func decode(_ json: some Collection<UInt8>) throws(DICOMJSONError) -> DataSet {
        let root = try JSONParser.parse(Array(json), maxDepth: maxDepth)
        return try decodeDataSet(root, isTopLevel: true).dataSet
    }

    /// Decodes a JSON array of DICOM JSON Model objects, as QIDO-RS and WADO-RS metadata return.
    /// - Parameter json: UTF-8 JSON text whose top-level value is an array of objects.
    /// - Returns: one data set per object.
    /// - Throws: `DICOMJSONError` with the byte offset of the offending JSON value.
    public func decodeArray(_ json: some Collection<UInt8>) throws(DICOMJSONError) -> [DataSet] {
        let root = try JSONParser.parse(Array(json), maxDepth: maxDepth)
        guard case .array(let objects) = root.kind else {
            throw DICOMJSONError(
                code: .wrongType, offset: root.offset,
                message: "an array of data sets was expected, found \(root.typeName)")
        }
        var out: [DataSet] = []
        out.reserveCapacity(objects.count)
        for o in objects { out.append(try decodeDataSet(o, isTopLevel: true).dataSet) }
        return out
    }

    /// - Returns: the data set, and whether it holds non-ASCII text that inherits the parent's
    ///   character set (so the parent must declare UTF-8).
    private func decodeDataSet(_ v: JSONValue, isTopLevel: Bool) throws(DICOMJSONError) -> (
        dataSet: DataSet, nonASCII: Bool
    ) {
        guard case .object(let members) = v.kind else {
            throw DICOMJSONError(
                code: .wrongType, offset: v.offset, message: "a data set object was expected, found \(v.typeName)")
        }
        var elements: [DataElement] = []
        elements.reserveCapacity(members.count)
        var nonASCII = false
        for (key, attribute) in members {
            guard let tag = DICOMJSONDecoder.tag(fromKey: key) else {
                throw DICOMJSONError(
                    code: .invalidAttribute, offset: attribute.offset,
                    message: "attribute key \"\(key)\" is not 8 hexadecimal digits")
            }
            let (e, ascii) = try decodeAttribute(tag, attribute)
            if !ascii { nonASCII = true }
            elements.append(e)
        }
        var ds = DataSet(elements)
        let declaresOwn = ds.contains(.specificCharacterSet)
        if nonASCII && (isTopLevel || declaresOwn) {
            ds[.specificCharacterSet] = DataElement(
                tag: .specificCharacterSet, vr: .CS, bytes: ByteBuffer(string: "ISO_IR 192"))
        }
        return (ds, nonASCII && !isTopLevel && !declaresOwn)
    }

    static func tag(fromKey key: String) -> Tag? {
        let u = Array(key.utf8)
        guard u.count == 8 else { return nil }
        var v: UInt32 = 0
        for c in u {
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return Tag(rawValue: v)
    }

    /// - Returns: the element and whether its text is all ASCII.
    private func decodeAttribute(_ tag: Tag, _ a: JSONValue) throws(DICOMJSONError) -> (DataElement, Bool) {
        guard case .object = a.kind else {
            throw DICOMJSONError(
                code: .wrongType, offset: a.offset, tag: tag,
                message: "an attribute object was expected, found \(a.typeName)")
        }
        guard let vrValue = a.member("vr"), case .string(let vrText) = vrValue.kind, let vr = VR(rawValue: vrText)
        else {
            throw DICOMJSONError(
                code: .invalidAttribute, offset: a.offset, tag: tag, message: "missing or unknown \"vr\"")
        }
        var value = a.member("Value")
        if let v = value, case .null = v.kind { value = nil }
        let inline = a.member("InlineBinary")
        let uri = a.member("BulkDataURI")
        if [value, inline, uri].compactMap({ $0 }).count > 1 {
            throw DICOMJSONError(
                code: .invalidAttribute, offset: a.offset, tag: tag,
                message: "more than one of \"Value\", \"InlineBinary\", \"BulkDataURI\"")
        }
        if let inline {
            guard case .string(let text) = inline.kind else {
                throw DICOMJSONError(
                    code: .wrongType, offset: inline.offset, tag: tag, message: "\"InlineBinary\" must be a string")
            }
            guard var bytes = Base64.decode(text.utf8) else {
                throw DICOMJSONError(
                    code: .invalidValue, offset: inline.offset, tag: tag,
                    message: "\"InlineBinary\" is not valid base64")
            }
            if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
            return (DataElement(tag: tag, vr: vr, bytes: ByteBuffer(bytes: bytes)), true)
        }
        if let uri {
            guard case .string(let text) = uri.kind else {
                throw DICOMJSONError(
                    code: .wrongType, offset: uri.offset, tag: tag, message: "\"BulkDataURI\" must be a string")
            }
            guard let resolver = bulkDataResolver else {
                throw DICOMJSONError(
                    code: .bulkDataUnresolved, offset: uri.offset, tag: tag,
                    message: "no resolver for BulkDataURI \"\(text)\"")
            }
            let resolved: ElementValue
            do {
                resolved = try resolver(text, tag, vr)
            } catch let e as DICOMJSONError {
                throw e
            } catch {
                throw DICOMJSONError(
                    code: .bulkDataUnresolved, offset: uri.offset, tag: tag,
                    message: "resolving \"\(text)\" failed: \(error)")
            }
            return (DataElement(tag: tag, vr: vr, length: DICOMJSONDecoder.length(of: resolved), value: resolved), true)
        }
        guard let value else {
            if vr == .SQ { return (DataElement(tag: tag, items: []), true) }
            return (DataElement(tag: tag, vr: vr, bytes: ByteBuffer()), true)
        }
        guard case .array(let entries) = value.kind else {
            throw DICOMJSONError(
                code: .wrongType, offset: value.offset, tag: tag,
                message: "\"Value\" must be an array, found \(value.typeName)")
        }
        if vr == .SQ {
            var items: [DataSet] = []
            items.reserveCapacity(entries.count)
            var ascii = true
            for entry in entries {
                if case .null = entry.kind {
                    items.append(DataSet())
                    continue
                }
                let (item, nonASCII) = try decodeDataSet(entry, isTopLevel: false)
                if nonASCII { ascii = false }
                items.append(item)
            }
            return (DataElement(tag: tag, items: items), ascii)
        }
        var buffer = ByteBuffer()
        try DICOMJSONDecoder.encodeValues(entries, vr: vr, tag: tag, into: &buffer)
        var ascii = true
        if vr.usesSpecificCharacterSet {
            ascii = !buffer.readableBytesView.contains { $0 >= 0x80 }
        }
        if buffer.readableBytes % 2 == 1 { buffer.writeInteger(vr.paddingByte) }
        return (DataElement(tag: tag, vr: vr, bytes: buffer), ascii)
    }

    static func length(of value: ElementValue) -> Length {
        switch value {
        case .bytes(let b): return Length(UInt32(truncatingIfNeeded: b.readableBytes))
        case .bulkData(let ref): return Length(UInt32(truncatingIfNeeded: ref.length))
        case .sequence, .encapsulated: return .undefined
        }
    }
}
