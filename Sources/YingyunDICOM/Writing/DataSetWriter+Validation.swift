/// The checks shared by measuring and writing, so both agree on what is writable.
extension DataSetWriter {
    /// Rejects tags that may not appear in `part` (PS3.5 §7.1, §7.5, §7.8.1; PS3.10 §7.1).
    func checkTag(_ tag: Tag, part: Part) throws {
        let group = tag.group
        let allowed: Bool
        switch part {
        case .fileMeta:
            allowed = group == 0x0002
        case .dataSet, .item:
            switch group {
            case 0x0000, 0x0002, 0x0001, 0x0003, 0x0005, 0x0007, 0xFFFE, 0xFFFF: allowed = false
            default: allowed = true
            }
        }
        guard allowed else {
            let what = part == .fileMeta ? "the file meta information" : "a data set"
            throw DICOMWriteError(code: .invalidTag, tag: tag, message: "\(tag) may not appear in \(what)")
        }
    }

    /// The even length written for a primitive value of `rawLength` bytes.
    ///
    /// - Throws: `.invalidValue` when the length is not a whole number of values of a fixed-size VR
    ///   (padding would invent a value); `.valueTooLong` when the padded length does not fit the
    ///   length field: 16 bits for short explicit VR headers, else 0xFFFFFFFE (PS3.5 §7.1.2).
    func paddedLength(of element: DataElement, rawLength: Int, explicitVR: Bool) throws -> Int {
        let vr = element.vr
        // AT values are two 16-bit halves: a whole value is 4 bytes.
        let unit = vr == .AT ? 4 : (vr.fixedValueSize ?? 1)
        guard rawLength >= 0, rawLength % unit == 0 else {
            throw DICOMWriteError(
                code: .invalidValue, tag: element.tag,
                message: "\(rawLength) bytes is not a whole number of \(vr) values (\(unit) bytes each)")
        }
        let padded = rawLength + (rawLength & 1)
        let limit = explicitVR && !vr.hasLongExplicitLength ? 0xFFFE : 0xFFFF_FFFE
        guard padded <= limit else {
            throw DICOMWriteError(
                code: .valueTooLong, tag: element.tag,
                message: "\(padded) bytes exceed the \(limit)-byte limit of a \(vr) length field"
                    + (explicitVR ? " in explicit VR" : ""))
        }
        return padded
    }

    /// Checks that `length` bytes at `offset` can be read from the context's source.
    func checkSourceRange(offset: Int, length: Int, tag: Tag, context: EncodingContext) throws {
        guard context.checksSource else { return }
        guard let source = context.source else {
            throw DICOMWriteError(
                code: .missingBulkDataSource, tag: tag, message: "value is in a byte source but none was given")
        }
        guard offset >= 0, length >= 0, offset <= source.size, length <= source.size - offset else {
            throw DICOMWriteError(
                code: .bulkDataUnavailable, tag: tag,
                message: "bytes \(offset)..<\(offset + length) are outside the \(source.size)-byte source")
        }
    }

    /// Element-level rules that depend on where the element is, not on its bytes.
    func checkPlacement(_ element: DataElement, part: Part, context: EncodingContext) throws {
        let isEncapsulated: Bool
        if case .encapsulated = element.value { isEncapsulated = true } else { isEncapsulated = false }
        if isEncapsulated && !(transferSyntax.isEncapsulated && context.explicitVR) {
            throw DICOMWriteError(
                code: .encapsulationMismatch, tag: element.tag,
                message: "encapsulated pixel data needs an encapsulated transfer syntax, not \(transferSyntax.uid)")
        }
        // Top-level pixel data must be encapsulated under an encapsulated syntax (PS3.5 §A.4); nested
        // pixel data (icon images) may be native.
        if !isEncapsulated && part == .dataSet && element.tag == .pixelData && transferSyntax.isEncapsulated {
            throw DICOMWriteError(
                code: .encapsulationMismatch, tag: element.tag,
                message: "native pixel data cannot be written under encapsulated transfer syntax \(transferSyntax.uid)")
        }
    }
}
