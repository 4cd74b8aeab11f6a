import CYingyunCodecs

/// A frame as a C codec returned it: interleaved samples in native (little-endian) order.
struct CodecImage {
    var width: Int
    var height: Int
    var components: Int
    var bytesPerSample: Int
    var precision: Int
    var isSigned: Bool
    var colorTransformed: Bool
    var nearLossless: Int
    var reversible: Bool
    var samples: [UInt8]
}

/// Calls into CYingyunCodecs: each call returns a status code; nothing unwinds through Swift.
enum CodecLibraries {
    enum Library { case libjpeg, openJPEG, charLS }

    /// How libjpeg should treat three-component frames (see YY_JPEG_COLOR_* in the C header).
    enum JPEGColor {
        case asStored, ycbcrToRGB, fromMarkers(declaredYBR: Bool)
    }

    static func jpeg(_ data: [UInt8], color: JPEGColor, maxPixels: Int) throws -> CodecImage {
        let (mode, ybr): (Int32, Int32) =
            switch color {
            case .asStored: (Int32(YY_JPEG_COLOR_AS_STORED), 0)
            case .ycbcrToRGB: (Int32(YY_JPEG_COLOR_YCBCR_TO_RGB), 1)
            case .fromMarkers(let declared): (Int32(YY_JPEG_COLOR_FROM_MARKERS), declared ? 1 : 0)
            }
        return try run("libjpeg") { src, n, out, msg, cap in
            yy_jpeg_decode(src, n, mode, ybr, UInt64(maxPixels), out, msg, cap)
        }(data)
    }

    /// OpenJPEG runs in a forked child (yy_decode_isolated): Debian's 2.5.0 aborts on some
    /// malformed HTJ2K codestreams (an assert in its HT block decoder, found by fuzzing), and an
    /// abort cannot be caught in-process. A fork costs ~1 ms against a JPEG 2000 decode's tens.
    static let jpeg2000TimeoutMilliseconds: Int32 = 60_000

    static func jpeg2000(_ data: [UInt8], maxPixels: Int) throws -> CodecImage {
        try run("OpenJPEG") { src, n, out, msg, cap in
            yy_decode_isolated(yy_j2k_decode, src, n, UInt64(maxPixels), jpeg2000TimeoutMilliseconds, out, msg, cap)
        }(data)
    }

    static func jpegLS(_ data: [UInt8], maxPixels: Int) throws -> CodecImage {
        // CharLS 2.4 spends 15–25 s on some cut-short streams before failing (measured here), so a
        // stream that does not end with EOI (FF D9, before any even-length padding) is refused first.
        var end = data.count
        while end > 0 && data[end - 1] == 0 { end -= 1 }
        guard end >= 4, data[end - 1] == 0xD9, data[end - 2] == 0xFF else {
            throw ImagingError(.corruptCodestream, "JPEG-LS stream does not end with EOI (FF D9): cut short?")
        }
        return try run("CharLS") { src, n, out, msg, cap in yy_jls_decode(src, n, UInt64(maxPixels), out, msg, cap) }(data)
    }

    private typealias CDecode = (
        UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<yy_decoded_image>, UnsafeMutablePointer<CChar>, Int
    ) -> Int32

    private static func run(_ name: String, _ decode: @escaping CDecode) -> ([UInt8]) throws -> CodecImage {
        { data in
            var image = yy_decoded_image()
            var message = [CChar](repeating: 0, count: 512)
            let status = data.withUnsafeBufferPointer { src in
                message.withUnsafeMutableBufferPointer { msg in
                    decode(src.baseAddress, src.count, &image, msg.baseAddress!, msg.count)
                }
            }
            defer { yy_codec_free(&image) }
            guard status == Int32(YY_CODEC_OK), let base = image.data else {
                let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let code: ImagingError.Code =
                    switch Int(status) {
                    case Int(YY_CODEC_UNSUPPORTED): .unsupportedImage
                    case Int(YY_CODEC_TOO_LARGE): .tooLarge
                    default: .corruptCodestream
                    }
                throw ImagingError(code, text.isEmpty ? "\(name) failed (status \(status))" : text)
            }
            return CodecImage(
                width: Int(image.width), height: Int(image.height), components: Int(image.components),
                bytesPerSample: Int(image.bytes_per_sample), precision: Int(image.precision),
                isSigned: image.is_signed != 0, colorTransformed: image.color_transformed != 0,
                nearLossless: Int(image.near_lossless), reversible: image.reversible != 0,
                samples: Array(UnsafeBufferPointer(start: base, count: image.size)))
        }
    }
}
