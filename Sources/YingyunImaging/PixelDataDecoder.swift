public import YingyunDICOM
import NIOCore

/// Decodes the frames of an image's Pixel Data (7FE0,0010), native or compressed, into samples an
/// application can use: interleaved, little endian, unused high bits cleared or sign-extended.
///
/// Transfer syntaxes without a decoder, damaged codestreams and short pixel data are reported as
/// `ImagingError`s; a frame is never returned with made-up content.
public struct PixelDataDecoder: Sendable {
    /// Choices about what a decoded frame looks like.
    public struct Options: Sendable {
        /// YBR_FULL and YBR_FULL_422 come out as RGB (pydicom's `as_rgb`); JPEG 2000's YBR_ICT/RCT
        /// are always RGB because the codec undoes the component transform itself.
        public var convertYBRToRGB: Bool = true
        /// PALETTE COLOR indices are mapped through the palette to RGB (8- or 16-bit entries).
        public var applyPalette: Bool = false
        /// Frames with more pixels are refused before any decoding (protects memory): 2^26 is 8192².
        public var maximumPixels: Int = 1 << 26

        public init(convertYBRToRGB: Bool = true, applyPalette: Bool = false) {
            self.convertYBRToRGB = convertYBRToRGB
            self.applyPalette = applyPalette
        }
    }

    public let module: ImagePixelModule
    public let transferSyntax: TransferSyntax
    /// The image's data set (the renderer reads its rescale, window and LUT attributes).
    public let dataSet: DataSet
    let codec: PixelCodec
    let pixelData: DataElement
    let source: (any ByteSource)?

    /// Prepares to decode a parsed file's pixel data.
    /// - Parameters:
    ///   - file: the parsed file (pixel data must not have been skipped).
    ///   - source: the bytes the file was parsed from.
    /// - Throws: `ImagingError` when there is no pixel data, the module is invalid or the transfer
    ///   syntax has no decoder here ("unsupported transfer syntax <UID> (<name>)").
    public init(file: DICOMFile, source: any ByteSource) throws {
        try self.init(dataSet: file.dataSet, transferSyntax: file.transferSyntax, source: file.valueSource(source))
    }

    /// Prepares to decode the pixel data of a data set read with `transferSyntax` from `source`.
    public init(dataSet: DataSet, transferSyntax: TransferSyntax, source: (any ByteSource)?) throws {
        guard let pixelData = dataSet[.pixelData] else {
            if dataSet[Tag(rawValue: 0x7FE0_0008)] != nil || dataSet[Tag(rawValue: 0x7FE0_0009)] != nil {
                throw ImagingError(.unsupportedImage, "float and double float pixel data are not decoded here")
            }
            throw ImagingError(.noPixelData, "no Pixel Data (7FE0,0010)")
        }
        guard let codec = PixelCodec(transferSyntax) else {
            throw ImagingError(.unsupportedTransferSyntax,
                "unsupported transfer syntax \(transferSyntax.uid) (\(transferSyntax.registeredName))")
        }
        self.module = try ImagePixelModule(dataSet: dataSet, source: source)
        self.transferSyntax = transferSyntax
        self.dataSet = dataSet
        self.codec = codec
        self.pixelData = pixelData
        self.source = source
    }

    /// Whether the transfer syntax reproduces the original samples exactly.
    public var isLossless: Bool { codec.isLossless }

    /// Frames present: from the fragments for encapsulated data, Number of Frames otherwise.
    public var numberOfFrames: Int {
        if case .encapsulated(let e) = pixelData.value, !e.frames.isEmpty { return e.frames.count }
        return module.numberOfFrames
    }

    /// Decodes frame `index` (0-based).
    /// - Throws: `ImagingError` (frame out of range, truncated data, corrupt or unsupported codestream).
    public func frame(_ index: Int, options: Options = Options()) throws -> DecodedFrame {
        guard index >= 0, index < numberOfFrames else {
            throw ImagingError(.frameOutOfRange, "frame \(index) requested; the image has \(numberOfFrames)")
        }
        guard module.rows * module.columns <= options.maximumPixels else {
            throw ImagingError(.tooLarge, "frame of \(module.rows)x\(module.columns) pixels exceeds the limit")
        }
        var frame: DecodedFrame
        switch codec {
        case .native:
            frame = try NativePixelData.frame(index, module: module, element: pixelData, source: source,
                bigEndian: !transferSyntax.isLittleEndian)
        case .encapsulatedNative:
            let bytes = try encapsulatedFrame(index)
            frame = try NativePixelData.frame(0, module: module, element: DataElement(tag: .pixelData, vr: .OB,
                bytes: ByteBuffer(bytes: bytes)), source: nil, bigEndian: false)
        case .rle:
            frame = try decodeRLE(encapsulatedFrame(index))
        case .jpegDCT:
            frame = try decodeJPEG(encapsulatedFrame(index), options: options)
        case .jpegLossless:
            frame = try decodeJPEGLossless(encapsulatedFrame(index), options: options)
        case .jpegLS:
            frame = try decodeCodecImage(CodecLibraries.jpegLS(encapsulatedFrame(index), maxPixels: options.maximumPixels),
                signCorrectionFromPrecision: true)
        case .jpeg2000:
            frame = try decodeCodecImage(CodecLibraries.jpeg2000(encapsulatedFrame(index), maxPixels: options.maximumPixels),
                signCorrectionFromPrecision: false)
        }
        finish(&frame, options: options)
        // Whatever the codec did, a frame never leaves with fewer bytes than it declares: readers
        // index samples by rows × columns × samples per pixel.
        guard frame.samples.count >= frame.sampleCount * frame.bytesPerSample else {
            throw ImagingError(.corruptCodestream,
                "decoded frame holds \(frame.samples.count) bytes, \(frame.sampleCount * frame.bytesPerSample) expected")
        }
        return frame
    }

    // MARK: - Per codec

    /// The fragments of one frame, concatenated.
    func encapsulatedFrame(_ index: Int) throws -> [UInt8] {
        guard case .encapsulated(let e) = pixelData.value else {
            throw ImagingError(.corruptCodestream,
                "transfer syntax \(transferSyntax.uid) needs encapsulated pixel data; this pixel data is native")
        }
        guard !e.frames.isEmpty else {
            throw ImagingError(.corruptCodestream, "cannot tell which of \(e.fragments.count) fragments make up each frame")
        }
        guard let source else { throw ImagingError(.noPixelData, "encapsulated pixel data without its source") }
        var out: [UInt8] = []
        for range in e.frameByteRanges(index) {
            let b = try source.bytes(at: range.lowerBound, count: range.count)
            guard b.readableBytes == range.count else {
                throw ImagingError(.truncatedPixelData, "fragment at offset \(range.lowerBound) is cut short")
            }
            out.append(contentsOf: b.readableBytesView)
        }
        return out
    }

    private var containerBytes: Int { max(1, module.bitsAllocated / 8) }

    private func decodeRLE(_ data: [UInt8]) throws -> DecodedFrame {
        let samples = try RLELosslessDecoder.decode(data, rows: module.rows, columns: module.columns,
            samplesPerPixel: module.samplesPerPixel, bytesPerSample: containerBytes)
        var pi = module.photometricInterpretation
        // An RLE encoder always writes whole pixels: YBR_FULL_422 cannot occur; treat it as YBR_FULL.
        if pi == .ybrFull422 { pi = .ybrFull }
        return DecodedFrame(rows: module.rows, columns: module.columns, samplesPerPixel: module.samplesPerPixel,
            bytesPerSample: containerBytes, bitsStored: module.bitsStored, isSigned: module.isSigned,
            photometricInterpretation: pi, samples: samples)
    }

    private func decodeJPEG(_ data: [UInt8], options: Options) throws -> DecodedFrame {
        if JPEGDCTDecoder.framePrecision(data) == 12 {
            // 12-bit DCT (JPEG Extended, process 4): our own decoder; the samples stay as stored.
            let out = try JPEGDCTDecoder.decode(data, maxPixels: options.maximumPixels)
            return try decodeCodecImage(
                CodecImage(width: out.width, height: out.height, components: out.components, bytesPerSample: 2,
                    precision: 12, isSigned: false, colorTransformed: false, nearLossless: 0, reversible: false,
                    samples: out.samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }),
                signCorrectionFromPrecision: false)
        }
        let declared = module.photometricInterpretation
        let declaredYBR = declared == .ybrFull || declared == .ybrFull422
        let color: CodecLibraries.JPEGColor =
            options.convertYBRToRGB ? .fromMarkers(declaredYBR: declaredYBR) : .asStored
        let image = try CodecLibraries.jpeg(data, color: color, maxPixels: options.maximumPixels)
        var frame = try decodeCodecImage(image, signCorrectionFromPrecision: false)
        if module.samplesPerPixel == 3 {
            if image.colorTransformed {
                frame.photometricInterpretation = .rgb
            } else if options.convertYBRToRGB {
                // Not converted: the markers say the stored components are RGB already.
                frame.photometricInterpretation = .rgb
            } else if declared == .ybrFull422 {
                frame.photometricInterpretation = .ybrFull  // libjpeg upsampled the chroma
            }
        }
        return frame
    }

    private func decodeJPEGLossless(_ data: [UInt8], options: Options) throws -> DecodedFrame {
        let out = try JPEGLosslessDecoder.decode(data, maxPixels: options.maximumPixels)
        let bytes = out.precision <= 8 ? 1 : 2
        var samples = [UInt8](repeating: 0, count: out.samples.count * bytes)
        for (i, v) in out.samples.enumerated() {
            samples[i * bytes] = UInt8(truncatingIfNeeded: v)
            if bytes == 2 { samples[i * bytes + 1] = UInt8(truncatingIfNeeded: v >> 8) }
        }
        return try decodeCodecImage(
            CodecImage(width: out.width, height: out.height, components: out.components, bytesPerSample: bytes,
                precision: out.precision, isSigned: false, colorTransformed: false, nearLossless: 0, reversible: true,
                samples: samples),
            signCorrectionFromPrecision: false)
    }

    /// Checks a codec's output against the module and brings it into the module's container.
    private func decodeCodecImage(_ image: CodecImage, signCorrectionFromPrecision: Bool) throws -> DecodedFrame {
        guard image.width == module.columns, image.height == module.rows else {
            throw ImagingError(.corruptCodestream,
                "codestream is \(image.width)x\(image.height); the data set says \(module.columns)x\(module.rows)")
        }
        guard image.components == module.samplesPerPixel else {
            throw ImagingError(.corruptCodestream,
                "codestream has \(image.components) components; Samples per Pixel is \(module.samplesPerPixel)")
        }
        let target = containerBytes
        guard image.bytesPerSample <= target || image.precision <= target * 8 else {
            throw ImagingError(.corruptCodestream,
                "codestream precision \(image.precision) exceeds Bits Allocated \(module.bitsAllocated)")
        }
        var samples = SampleConversion.resize(image.samples, from: image.bytesPerSample, to: target, signed: image.isSigned)
        // JPEG-LS cannot say a sample is signed and a JPEG 2000 codestream may disagree with Pixel
        // Representation: reinterpret the codec's bits as the data set says (pydicom does the same).
        if module.isSigned && (signCorrectionFromPrecision || !image.isSigned) || (!module.isSigned && image.isSigned) {
            SampleConversion.normalize(&samples, bytesPerSample: target, bits: image.precision, signed: module.isSigned)
        }
        var pi = module.photometricInterpretation
        if image.colorTransformed || pi == .ybrRCT || pi == .ybrICT { pi = image.components == 3 ? .rgb : pi }
        return DecodedFrame(rows: module.rows, columns: module.columns, samplesPerPixel: module.samplesPerPixel,
            bytesPerSample: target, bitsStored: module.bitsStored, isSigned: module.isSigned,
            photometricInterpretation: pi, samples: samples)
    }

    /// Steps common to every codec: unused bits, colour space, palette.
    /// In place: a copy here would duplicate the whole frame (copy-on-write) before masking it.
    private func finish(_ frame: inout DecodedFrame, options: Options) {
        if module.bitsAllocated > 1 {
            SampleConversion.normalize(&frame.samples, bytesPerSample: frame.bytesPerSample, bits: module.bitsStored,
                signed: module.isSigned)
        }
        if options.convertYBRToRGB, frame.samplesPerPixel == 3, frame.bytesPerSample == 1,
            frame.photometricInterpretation == .ybrFull || frame.photometricInterpretation == .ybrFull422
        {
            ColorConversion.ybrFullToRGB(&frame.samples)
            frame.photometricInterpretation = .rgb
        }
        if options.applyPalette, frame.photometricInterpretation == .paletteColor, let lut = module.palette {
            frame = ColorConversion.applyPalette(frame, lut)
        }
    }
}
