import CYingyunCodecs

/// PNG and JPEG output through libpng and libjpeg (C shims that catch their longjmps).
public enum ImageEncoder {
    /// Lossless PNG: 8-bit grey or RGB, or 16-bit grey.
    public static func png(_ image: RenderedImage) throws -> [UInt8] {
        if image.bitDepth == 16 { return try png16(width: image.width, height: image.height, samples: image.pixels16) }
        return try encode("PNG") { out, msg, cap in
            image.pixels.withUnsafeBytes { p in
                yy_png_encode(p.baseAddress, UInt32(image.width), UInt32(image.height), UInt32(image.components), 8,
                    out, msg, cap)
            }
        }
    }

    /// 16-bit grey PNG (samples in native order; the shim writes them big endian as PNG wants).
    public static func png16(width: Int, height: Int, samples: [UInt16]) throws -> [UInt8] {
        try encode("PNG") { out, msg, cap in
            samples.withUnsafeBytes { p in
                yy_png_encode(p.baseAddress, UInt32(width), UInt32(height), 1, 16, out, msg, cap)
            }
        }
    }

    /// Baseline JPEG at `quality` (1–100).
    public static func jpeg(_ image: RenderedImage, quality: Int = 90) throws -> [UInt8] {
        guard image.bitDepth == 8 else {
            throw ImagingError(.unsupportedImage, "baseline JPEG has 8 bits per sample; 16-bit grey is offered as PNG")
        }
        return try encode("JPEG") { out, msg, cap in
            image.pixels.withUnsafeBufferPointer { p in
                yy_jpeg_encode(p.baseAddress, UInt32(image.width), UInt32(image.height), UInt32(image.components),
                    Int32(quality), out, msg, cap)
            }
        }
    }

    private static func encode(
        _ name: String,
        _ body: (UnsafeMutablePointer<yy_encoded>, UnsafeMutablePointer<CChar>, Int) -> Int32
    ) throws -> [UInt8] {
        var encoded = yy_encoded()
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { body(&encoded, $0.baseAddress!, $0.count) }
        defer { yy_encoded_free(&encoded) }
        guard status == Int32(YY_CODEC_OK), let data = encoded.data else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImagingError(.encodingFailed, "\(name): \(text)")
        }
        return Array(UnsafeBufferPointer(start: data, count: encoded.size))
    }
}
