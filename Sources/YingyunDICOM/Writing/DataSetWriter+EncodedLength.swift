import NIOCore

/// Encoded sizes, computed from the model alone (no bulk data is read). They give group length
/// values and validate a data set before its first byte is written; they must match what
/// `DataSetWriter+Encoding.swift` writes byte for byte.
extension DataSetWriter {
    /// Size of an element header: tag, (VR, reserved bytes,) length (PS3.5 §7.1.2, §7.1.3).
    @inline(__always)
    static func headerLength(_ vr: VR, explicitVR: Bool) -> Int {
        explicitVR && vr.hasLongExplicitLength ? 12 : 8
    }

    /// Size of an item or delimitation item header: tag and 32-bit length, never a VR (PS3.5 §7.5).
    static let itemHeaderLength = 8

    /// Size of a group length element (gggg,0000) UL: a header and 4 bytes, in either VR form.
    static let groupLengthElementLength = 12

    func encodedLength(of dataSet: DataSet, part: Part, context: EncodingContext) throws -> Int {
        var total = 0
        for element in dataSet.elements {
            try checkTag(element.tag, part: part)
            if element.tag.isGroupLength {
                total += DataSetWriter.groupLengthElementLength
            } else {
                total += try encodedLength(of: element, part: part, context: context)
            }
        }
        return total
    }

    func encodedLength(of element: DataElement, part: Part, context: EncodingContext) throws -> Int {
        try checkPlacement(element, part: part, context: context)
        let explicitVR = context.explicitVR
        switch element.value {
        case .bytes(let bytes):
            if element.vr == .SQ {
                try checkEmptySequenceBytes(element, bytes.readableBytes)
                return DataSetWriter.headerLength(.SQ, explicitVR: explicitVR)
            }
            let padded = try paddedLength(of: element, rawLength: bytes.readableBytes, explicitVR: explicitVR)
            return DataSetWriter.headerLength(element.vr, explicitVR: explicitVR) + padded
        case .bulkData(let reference):
            try checkNotSequence(element)
            try checkSourceRange(offset: reference.offset, length: reference.length, tag: element.tag, context: context)
            let padded = try paddedLength(of: element, rawLength: reference.length, explicitVR: explicitVR)
            return DataSetWriter.headerLength(element.vr, explicitVR: explicitVR) + padded
        case .sequence(let items):
            let inner = try itemContext(for: element, context: context)
            var total = DataSetWriter.headerLength(element.vr, explicitVR: explicitVR)
            for item in items {
                total += 2 * DataSetWriter.itemHeaderLength
                total += try encodedLength(of: item, part: .item, context: inner)
            }
            return total + DataSetWriter.itemHeaderLength
        case .encapsulated(let pixels):
            let layout = try EncapsulatedLayout(pixels, tag: element.tag)
            for fragment in pixels.fragments {
                try checkSourceRange(
                    offset: fragment.offset, length: fragment.length, tag: element.tag, context: context)
            }
            return DataSetWriter.headerLength(.OB, explicitVR: true) + layout.valueLength
                + DataSetWriter.itemHeaderLength
        }
    }

    /// The length of the group whose length element is `elements[index]`: the bytes of the elements
    /// after it with the same group number (PS3.5 §7.2).
    func groupLength(_ elements: [DataElement], at index: Int, part: Part, context: EncodingContext) throws -> UInt32 {
        let group = elements[index].tag.group
        var total = 0
        var j = index + 1
        while j < elements.count, elements[j].tag.group == group {
            total +=
                elements[j].tag.isGroupLength
                ? DataSetWriter.groupLengthElementLength
                : try encodedLength(of: elements[j], part: part, context: context)
            j += 1
        }
        guard let value = UInt32(exactly: total) else {
            throw DICOMWriteError(
                code: .valueTooLong, tag: elements[index].tag,
                message: "group of \(total) bytes is longer than a group length can hold")
        }
        return value
    }

    /// The encoding of a sequence's items: unchanged for SQ; Implicit VR Little Endian for UN
    /// (PS3.5 §6.2.2: a UN value of undefined length is a sequence in Implicit VR Little Endian).
    func itemContext(for element: DataElement, context: EncodingContext) throws -> EncodingContext {
        switch element.vr {
        case .SQ: return context
        case .UN:
            var inner = context
            inner.explicitVR = false
            return inner
        default:
            throw DICOMWriteError(
                code: .invalidValue, tag: element.tag, message: "a sequence value needs VR SQ or UN, not \(element.vr)")
        }
    }

    func checkNotSequence(_ element: DataElement) throws {
        guard element.vr != .SQ else {
            throw DICOMWriteError(code: .invalidValue, tag: element.tag, message: "an SQ element needs sequence items")
        }
    }

    /// An SQ element holding bytes is written only when empty (an empty sequence).
    func checkEmptySequenceBytes(_ element: DataElement, _ count: Int) throws {
        guard count == 0 else {
            throw DICOMWriteError(
                code: .invalidValue, tag: element.tag, message: "an SQ element needs sequence items, not \(count) bytes"
            )
        }
    }
}
