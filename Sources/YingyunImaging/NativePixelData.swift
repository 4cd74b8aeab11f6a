import NIOCore
import YingyunDICOM

/// Native (uncompressed) pixel data, PS3.5 §8.1: frames follow each other; samples of 8, 16 or 32
/// bits in the transfer syntax's byte order, or 1-bit packed little-end first.
enum NativePixelData {
    /// Extracts frame `index` as interleaved little-endian samples.
    static func frame(_ index: Int, module: ImagePixelModule, element: DataElement, source: (any ByteSource)?,
        bigEndian: Bool) throws -> DecodedFrame
    {
        let pixels = module.rows * module.columns
        let is422 = module.photometricInterpretation == .ybrFull422 && module.samplesPerPixel == 3
        // YBR_FULL_422 stores two samples per pixel (Y Y Cb Cr per pair), PS3.3 C.7.6.3.1.2.
        let storedSamples = is422 ? pixels * 2 : pixels * module.samplesPerPixel
        let frameBits = storedSamples * module.bitsAllocated
        let total = try totalLength(element)

        if module.bitsAllocated == 1 {
            // PS3.3 C.7.6.3.1: one bit per sample is monochrome only; a colour or 4:2:2 frame of
            // bits would come out with fewer samples than the frame declares (found by fuzzing).
            guard module.samplesPerPixel == 1, !is422 else {
                throw ImagingError(.unsupportedImage, "1-bit pixel data with \(module.samplesPerPixel) samples per pixel")
            }
            let firstBit = index * frameBits
            let firstByte = firstBit / 8
            let lastByte = (firstBit + frameBits + 7) / 8
            guard lastByte <= total else { throw short(index, need: lastByte, have: total) }
            let raw = try bytes(element, source: source, from: firstByte, count: lastByte - firstByte)
            var out = [UInt8](repeating: 0, count: storedSamples)
            let bitOffset = firstBit % 8
            for i in 0..<storedSamples {
                let bit = bitOffset + i
                out[i] = (raw[bit / 8] >> UInt8(bit % 8)) & 1
            }
            return DecodedFrame(rows: module.rows, columns: module.columns, samplesPerPixel: module.samplesPerPixel,
                bytesPerSample: 1, bitsStored: 1, isSigned: false,
                photometricInterpretation: module.photometricInterpretation, samples: out)
        }

        let unit = module.bitsAllocated / 8
        let frameBytes = frameBits / 8
        let start = index * frameBytes
        guard start + frameBytes <= total else { throw short(index, need: start + frameBytes, have: total) }
        var samples: [UInt8]
        if bigEndian {
            // In-memory OW values were word-swapped by the parser; undo that to get the stored order.
            var raw = try bytes(element, source: source, from: 0, count: total)
            let swappedByParser: Bool = if case .bytes = element.value { element.vr.fixedValueSize == 2 } else { false }
            if swappedByParser { SampleConversion.swapBytes(&raw, unit: 2) }
            if unit == 1 && element.vr == .OW {
                // 8-bit samples in OW are stored as big-endian words (pydicom's reading too).
                if raw.count % 2 == 1 { raw.append(0) }
                SampleConversion.swapBytes(&raw, unit: 2)
            }
            samples = Array(raw[start..<(start + frameBytes)])
            SampleConversion.swapBytes(&samples, unit: unit)
        } else {
            samples = try bytes(element, source: source, from: start, count: frameBytes)
        }
        if module.planarConfiguration == 1 && module.samplesPerPixel > 1 && !is422 {
            samples = SampleConversion.interleave(samples, pixels: pixels, samplesPerPixel: module.samplesPerPixel,
                bytesPerSample: unit)
        }
        var pi = module.photometricInterpretation
        if is422 {
            guard unit == 1 else { throw ImagingError(.unsupportedImage, "YBR_FULL_422 with \(module.bitsAllocated)-bit samples") }
            samples = ColorConversion.expandYBR422(samples, pixels: pixels)
            pi = .ybrFull
        }
        return DecodedFrame(rows: module.rows, columns: module.columns, samplesPerPixel: module.samplesPerPixel,
            bytesPerSample: unit, bitsStored: module.bitsStored, isSigned: module.isSigned,
            photometricInterpretation: pi, samples: samples)
    }

    private static func short(_ index: Int, need: Int, have: Int) -> ImagingError {
        ImagingError(.truncatedPixelData, "frame \(index) needs pixel data up to byte \(need); there are \(have) bytes")
    }

    private static func totalLength(_ e: DataElement) throws -> Int {
        switch e.value {
        case .bytes(let b): return b.readableBytes
        case .bulkData(let ref): return ref.length
        case .encapsulated:
            throw ImagingError(.corruptCodestream, "encapsulated pixel data in a native transfer syntax")
        case .sequence: throw ImagingError(.invalidAttribute, "Pixel Data is a sequence")
        }
    }

    private static func bytes(_ e: DataElement, source: (any ByteSource)?, from: Int, count: Int) throws -> [UInt8] {
        switch e.value {
        case .bytes(let b):
            // getBytes copies with memcpy; a view's generic copy is several times slower.
            let start = min(from, b.readableBytes)
            return b.getBytes(at: b.readerIndex + start, length: min(count, b.readableBytes - start)) ?? []
        case .bulkData(let ref):
            guard let source else { throw ImagingError(.noPixelData, "pixel data left in a source that was not given") }
            let b = try source.bytes(at: ref.offset + from, count: count)
            guard b.readableBytes == count else {
                throw ImagingError(.truncatedPixelData, "pixel data ends \(count - b.readableBytes) bytes early")
            }
            return b.getBytes(at: b.readerIndex, length: b.readableBytes) ?? []
        default:
            return []
        }
    }
}
