public import NIOCore
public import YingyunDICOM
import YingyunImaging

/// `PixelDataDecoding` by the imaging module's decoders (RLE, JPEG, JPEG-LS, JPEG 2000...).
/// Frames are decoded one after another into one native Pixel Data value: a transcoded
/// compressed object is held decoded in memory while it is written (one instance, never a study).
public struct ImagingPixelDataDecoder: PixelDataDecoding {
    public init() {}

    public func decodedFrames(_ file: DICOMFile, source: any ByteSource, indices: [Int]) throws -> [NativeSamples] {
        let decoder = try PixelDataDecoder(file: file, source: source)
        return try indices.map { index in
            let f = try decoder.frame(index, options: .init(convertYBRToRGB: true, applyPalette: false))
            return NativeSamples(
                bytes: ByteBuffer(bytes: f.samples), bytesPerSample: f.bytesPerSample, isSigned: f.isSigned,
                samplesPerPixel: f.samplesPerPixel)
        }
    }

    public func decoded(_ file: DICOMFile, source: any ByteSource) throws -> DataSet {
        let decoder = try PixelDataDecoder(file: file, source: source)
        let count = decoder.numberOfFrames
        var pixels = ByteBuffer()
        var last: DecodedFrame?
        for index in 0..<count {
            // YBR colour becomes RGB, as an uncompressed object of these samples would say.
            let frame = try decoder.frame(index, options: .init(convertYBRToRGB: true, applyPalette: false))
            pixels.writeBytes(frame.samples)
            last = frame
        }
        guard let frame = last else { throw TranscodingError("no frames to decode") }
        if pixels.readableBytes % 2 == 1 { pixels.writeInteger(UInt8(0)) }
        var ds = file.dataSet
        let bits = frame.bytesPerSample * 8
        ds[.pixelData] = DataElement(tag: .pixelData, vr: bits > 8 ? .OW : .OB, bytes: pixels)
        ds[.photometricInterpretation] = DataElement(
            tag: .photometricInterpretation, vr: .CS, strings: [frame.photometricInterpretation.rawValue])
        ds[.bitsAllocated] = DataElement(tag: .bitsAllocated, uint16: UInt16(bits))
        ds[.bitsStored] = DataElement(tag: .bitsStored, uint16: UInt16(frame.bitsStored))
        ds[.highBit] = DataElement(tag: .highBit, uint16: UInt16(frame.bitsStored - 1))
        ds[.pixelRepresentation] = DataElement(tag: .pixelRepresentation, uint16: frame.isSigned ? 1 : 0)
        ds[.numberOfFrames] = count > 1 || file.dataSet.contains(.numberOfFrames)
            ? DataElement(tag: .numberOfFrames, vr: .IS, strings: [String(count)]) : nil
        if frame.samplesPerPixel > 1 { ds[.planarConfiguration] = DataElement(tag: .planarConfiguration, uint16: 0) }
        if !decoder.isLossless {
            // The pixels went through lossy compression once; that stays true after decoding (PS3.3 C.7.6.1.1.5).
            ds[.lossyImageCompression] = DataElement(tag: .lossyImageCompression, vr: .CS, strings: ["01"])
        }
        return ds
    }
}
