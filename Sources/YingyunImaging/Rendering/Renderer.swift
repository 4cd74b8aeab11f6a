import YingyunDICOM

/// What to render.
public struct RenderOptions: Sendable, Hashable {
    public var frame: Int = 0
    /// Overrides the file's VOI (the "window" parameter of PS3.18 §8.3.5.1.4).
    public var window: VOIWindow?
    /// Longest side of the output in pixels, keeping the aspect ratio; nil keeps the image size.
    public var size: Int?
    /// 8, or 16 for a 16-bit grey image (monochrome sources only).
    public var bitDepth: Int

    public init(frame: Int = 0, window: VOIWindow? = nil, size: Int? = nil, bitDepth: Int = 8) {
        self.frame = frame
        self.window = window
        self.size = size
        self.bitDepth = bitDepth
    }
}

/// The grayscale pipeline of PS3.4 Annex N (Modality LUT → VOI LUT → Presentation LUT) for
/// monochrome images, palette and colour images to 8-bit RGB, then area-averaging resize.
public enum Renderer {
    /// Renders one frame.
    /// - Throws: `ImagingError` from decoding, or for an image this pipeline cannot show.
    public static func render(_ decoder: PixelDataDecoder, options: RenderOptions = RenderOptions()) throws -> RenderedImage {
        guard options.bitDepth == 8 || options.bitDepth == 16 else {
            throw ImagingError(.unsupportedImage, "a rendered image has 8 or 16 bits per sample, not \(options.bitDepth)")
        }
        let frame = try decoder.frame(options.frame, options: .init(convertYBRToRGB: true, applyPalette: true))
        if options.bitDepth == 16 && frame.samplesPerPixel != 1 {
            throw ImagingError(.unsupportedImage, "16-bit output is for monochrome images; this one is \(frame.photometricInterpretation.rawValue)")
        }
        var values: [Float]
        let channels: Int
        var target: (width: Int, height: Int)?
        if let size = options.size, size > 0 {
            let scale = Double(size) / Double(max(frame.columns, frame.rows))
            target = (max(1, Int((Double(frame.columns) * scale).rounded())), max(1, Int((Double(frame.rows) * scale).rounded())))
        }
        switch (frame.photometricInterpretation, frame.samplesPerPixel) {
        case (.monochrome1, 1), (.monochrome2, 1):
            switch try grey(frame, decoder: decoder, options: options) {
            case .values(let v):
                values = v
            case .table(let lo, let table):
                if let t = target, t.width != frame.columns || t.height != frame.rows {
                    // Map and shrink in one pass over the rows (no full-size float image).
                    let rows: ((Int, UnsafeBufferPointer<Float>) -> Void) -> Void = { body in
                        SampleAccess.mappedRows(frame, width: frame.columns, lo: lo, table: table, body)
                    }
                    if frame.columns % t.width == 0, frame.rows % t.height == 0 {
                        values = AreaResize.boxReduce(
                            width: frame.columns, height: frame.rows, factorX: frame.columns / t.width,
                            factorY: frame.rows / t.height, rows: rows)
                    } else {
                        values = AreaResize.resize(
                            width: frame.columns, height: frame.rows, newWidth: t.width, newHeight: t.height, rows: rows)
                    }
                    return image(values, width: t.width, height: t.height, channels: 1, bitDepth: options.bitDepth)
                }
                values = SampleAccess.lookup(frame, lo: lo, table: table)
            }
            channels = 1
        case (.rgb, 3):
            let scale = 255 / Float((1 << min(frame.bitsStored, frame.bytesPerSample * 8)) - 1)
            values = (0..<frame.sampleCount).map { Float(frame.sample($0)) * scale }
            channels = 3
        case (let pi, let n):
            throw ImagingError(.unsupportedImage, "cannot render \(pi.rawValue) with \(n) samples per pixel")
        }
        var width = frame.columns, height = frame.rows
        if let t = target {
            values = AreaResize.resize(values, width: width, height: height, channels: channels, newWidth: t.width, newHeight: t.height)
            width = t.width
            height = t.height
        }
        return image(values, width: width, height: height, channels: channels, bitDepth: options.bitDepth)
    }

    /// Display values in [0, 255] rounded to 8-bit samples, or scaled by 257 to 16-bit ones.
    private static func image(_ values: [Float], width: Int, height: Int, channels: Int, bitDepth: Int) -> RenderedImage {
        if bitDepth == 16 {
            let samples = values.map { v -> UInt16 in
                let r = (v * 257 + 0.5).rounded(.down)
                return r <= 0 ? 0 : (r >= 65535 ? 65535 : UInt16(r))
            }
            return RenderedImage(width: width, height: height, grey16: samples)
        }
        let pixels = values.map { v -> UInt8 in
            let r = (v + 0.5).rounded(.down)
            return r <= 0 ? 0 : (r >= 255 ? 255 : UInt8(r))
        }
        return RenderedImage(width: width, height: height, components: channels, pixels: pixels)
    }

    /// Monochrome: stored value → modality value → VOI → [0, 255], inverted for MONOCHROME1.
    /// A monochrome frame's display values: as a table over stored values (the usual case) or,
    /// when the stored range is too wide for one, mapped value by value.
    private enum GreyMapping {
        case table(lo: Int, values: [Float])
        case values([Float])
    }

    private static func grey(_ frame: DecodedFrame, decoder: PixelDataDecoder, options: RenderOptions) throws -> GreyMapping {
        let ds = decoder.dataSet
        let modality = try ModalityTransform(dataSet: ds, frame: options.frame, signedInput: frame.isSigned,
            source: decoder.source)
        // The table spans every value Bits Stored allows (no pass over the pixels to find the
        // range), or the range present when that would be larger.
        guard frame.sampleCount > 0 else { return .values([]) }
        let bits = frame.bitsStored
        let (lo, hi): (Int, Int)
        if bits >= 1 && bits <= 16 {
            (lo, hi) = frame.isSigned ? (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) : (0, (1 << bits) - 1)
        } else {
            guard let r = SampleAccess.range(frame) else { return .values([]) }
            (lo, hi) = r
        }
        // Stored values of up to 17 bits span: one table over the range present instead of
        // per-pixel maths (and a histogram instead of sorting every value for the automatic window).
        let span = hi - lo + 1
        let tabulated = span <= 1 << 17
        let voi: VOITransform
        if let window = options.window {
            voi = .window(window)
        } else if let fromFile = try VOITransform.fromFile(ds, frame: options.frame, signedInput: frame.isSigned,
            source: decoder.source)
        {
            voi = fromFile
        } else if tabulated {
            let counts = SampleAccess.histogram(frame, lo: lo, span: span)
            voi = .automatic(modalityValues: (0..<span).map { modality(Double(lo + $0)) }, counts: counts)
        } else {
            voi = .automatic(modalityValues: frame.integerSamples().map { modality(Double($0)) })
        }
        let invert = frame.photometricInterpretation == .monochrome1
        func map(_ v: Int) -> Float {
            let y = Float(voi(modality(Double(v))) * 255)
            return invert ? 255 - y : y
        }
        if tabulated { return .table(lo: lo, values: (0..<span).map { map(lo + $0) }) }
        return .values(frame.integerSamples().map(map))
    }
}
