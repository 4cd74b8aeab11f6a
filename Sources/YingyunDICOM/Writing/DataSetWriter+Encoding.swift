import NIOCore

/// Writing elements: headers, primitive values, sequences, bulk data and encapsulated pixel data.
extension DataSetWriter {
    func writeDataSet(_ dataSet: DataSet, part: Part, context: EncodingContext, into out: inout ChunkedOutput) throws {
        let elements = dataSet.elements
        for index in elements.indices {
            let element = elements[index]
            if element.tag.isGroupLength {
                // Recomputed, never copied: the stored value describes the source's encoding.
                let value = try groupLength(elements, at: index, part: part, context: context)
                try writeHeader(element.tag, vr: .UL, length: 4, explicitVR: context.explicitVR, into: &out)
                try out.writeUInt32(value)
            } else {
                try writeElement(element, part: part, context: context, into: &out)
            }
        }
    }

    /// Writes a tag, then VR and 16- or 32-bit length in explicit VR (PS3.5 §7.1.2), or a 32-bit length in
    /// implicit VR (PS3.5 §7.1.3).
    func writeHeader(_ tag: Tag, vr: VR, length: UInt32, explicitVR: Bool, into out: inout ChunkedOutput) throws {
        try out.writeTag(tag)
        guard explicitVR else {
            try out.writeUInt32(length)
            return
        }
        try out.writeBytes(vr.rawValue.utf8)
        if vr.hasLongExplicitLength {
            try out.writeUInt16(0)  // reserved
            try out.writeUInt32(length)
        } else {
            try out.writeUInt16(UInt16(truncatingIfNeeded: length))
        }
    }

    func writeElement(_ element: DataElement, part: Part, context: EncodingContext, into out: inout ChunkedOutput)
        throws
    {
        let explicitVR = context.explicitVR
        switch element.value {
        case .bytes(let bytes):
            if element.vr == .SQ {
                try checkEmptySequenceBytes(element, bytes.readableBytes)
                try writeHeader(element.tag, vr: .SQ, length: 0, explicitVR: explicitVR, into: &out)
                return
            }
            let padded = try paddedLength(of: element, rawLength: bytes.readableBytes, explicitVR: explicitVR)
            try writeHeader(element.tag, vr: element.vr, length: UInt32(padded), explicitVR: explicitVR, into: &out)
            try out.write(bytes)
            if padded != bytes.readableBytes { try out.writeByte(element.vr.paddingByte) }

        case .bulkData(let reference):
            try checkNotSequence(element)
            let padded = try paddedLength(of: element, rawLength: reference.length, explicitVR: explicitVR)
            try writeHeader(element.tag, vr: element.vr, length: UInt32(padded), explicitVR: explicitVR, into: &out)
            // Bytes in memory are little endian (ElementValue.bytes); a big-endian source value is swapped
            // per value. OB, UN and text have no multi-byte unit and are copied as they are.
            let swapUnit = reference.isLittleEndian ? nil : element.vr.fixedValueSize
            try copy(
                offset: reference.offset, length: reference.length, swapUnit: swapUnit, tag: element.tag,
                context: context, into: &out)
            if padded != reference.length { try out.writeByte(element.vr.paddingByte) }

        case .sequence(let items):
            let inner = try itemContext(for: element, context: context)
            try writeHeader(
                element.tag, vr: element.vr, length: Length.undefined.rawValue, explicitVR: explicitVR, into: &out)
            for item in items {
                try out.writeTag(.item)
                try out.writeUInt32(Length.undefined.rawValue)
                try writeDataSet(item, part: .item, context: inner, into: &out)
                try out.writeTag(.itemDelimitationItem)
                try out.writeUInt32(0)
            }
            try out.writeTag(.sequenceDelimitationItem)
            try out.writeUInt32(0)

        case .encapsulated(let pixels):
            try checkPlacement(element, part: part, context: context)
            try writeEncapsulated(pixels, tag: element.tag, context: context, into: &out)
        }
    }

    /// Encapsulated pixel data (PS3.5 §A.4): OB with undefined length, the Basic Offset Table item,
    /// one item per fragment, the Sequence Delimitation Item.
    func writeEncapsulated(
        _ pixels: EncapsulatedPixelData, tag: Tag, context: EncodingContext, into out: inout ChunkedOutput
    ) throws {
        let layout = try EncapsulatedLayout(pixels, tag: tag)
        try writeHeader(tag, vr: .OB, length: Length.undefined.rawValue, explicitVR: true, into: &out)
        try out.writeTag(.item)
        try out.writeUInt32(UInt32(4 * layout.basicOffsetTable.count))
        for offset in layout.basicOffsetTable { try out.writeUInt32(offset) }
        for (fragment, padded) in zip(pixels.fragments, layout.paddedFragmentLengths) {
            try out.writeTag(.item)
            try out.writeUInt32(UInt32(padded))
            try copy(
                offset: fragment.offset, length: fragment.length, swapUnit: nil, tag: tag, context: context, into: &out)
            if padded != fragment.length { try out.writeByte(0) }
        }
        try out.writeTag(.sequenceDelimitationItem)
        try out.writeUInt32(0)
    }

    /// Copies `length` bytes at `offset` of the context's source to `out`, one chunk at a time.
    func copy(
        offset: Int, length: Int, swapUnit: Int?, tag: Tag, context: EncodingContext, into out: inout ChunkedOutput
    ) throws {
        guard length > 0 else { return }
        guard let source = context.source else {
            throw DICOMWriteError(
                code: .missingBulkDataSource, tag: tag, message: "value is in a byte source but none was given")
        }
        var done = 0
        while done < length {
            // chunkSize is a multiple of 8, so a swap unit never straddles two reads.
            let count = min(out.chunkSize, length - done)
            let chunk = try source.bytes(at: offset + done, count: count)
            guard chunk.readableBytes == count else {
                throw DICOMWriteError(
                    code: .bulkDataUnavailable, tag: tag,
                    message: "the source ended at \(offset + done + chunk.readableBytes), inside the value at "
                        + "\(offset)..<\(offset + length)")
            }
            if let unit = swapUnit, unit > 1 {
                try out.write(DataSetWriter.byteSwapped(chunk, unit: unit))
            } else {
                try out.write(chunk)
            }
            done += count
        }
    }

    /// Reverses the bytes of each `unit`-byte value (big endian ↔ little endian): the parser's routine.
    static func byteSwapped(_ chunk: ByteBuffer, unit: Int) -> ByteBuffer {
        ByteOrder.swapped(chunk, unit: unit)
    }
}
