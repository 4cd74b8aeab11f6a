import Testing
import YingyunDICOM
@testable import YingyunImaging

/// Lossless codecs must give back exactly the native pixels of the same image; damaged streams
/// must fail with a typed error. Uses pydicom's bundled files (skipped when pydicom is absent).
@Suite struct CompressedPixelDataTests {
    static let losslessTwins: [(compressed: String, native: String)] = [
        ("MR_small_RLE.dcm", "MR_small.dcm"),
        ("MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm"),
        ("MR_small_jp2klossless.dcm", "MR_small.dcm"),
        ("SC_rgb_rle.dcm", "SC_rgb_jpeg_gdcm.dcm"),  // RLE vs our JPEG lossless (SV1) decoder
        ("rtdose_rle.dcm", "rtdose.dcm"),
        ("SC_rgb_rle_16bit_2frame.dcm", "SC_rgb_rle_16bit.dcm"),
    ]

    @Test(arguments: losslessTwins.indices)
    func losslessSyntaxesReproduceTheNativeImage(_ i: Int) throws {
        let (compressed, native) = Self.losslessTwins[i]
        guard let c = try ImagingFixtures.pydicomFrame(compressed), let n = try ImagingFixtures.pydicomFrame(native) else { return }
        #expect(c == n, "\(compressed) ≠ \(native)")
    }

    @Test func jpegBaselineYBRComesOutAsRGB() throws {
        guard let f = try ImagingFixtures.pydicomFrame("SC_rgb_jpeg_dcmtk.dcm"),
            let reference = try ImagingFixtures.pydicomFrame("SC_rgb_rle.dcm")
        else { return }
        #expect(f.photometricInterpretation == .rgb)
        // Lossy: close to the lossless original, not equal.
        let diffs = zip(f.samples, reference.samples).map { abs(Int($0) - Int($1)) }
        #expect(Double(diffs.reduce(0, +)) / Double(diffs.count) < 4)
    }

    @Test func rgbDeclaredJPEGIsNotConvertedTwice() throws {
        // Stored as RGB components (no JFIF, no transform): decoding must leave them alone.
        guard let decoder = try ImagingFixtures.pydicomDecoder("SC_jpeg_no_color_transform.dcm") else { return }
        let raw = try decoder.encapsulatedFrame(0)
        let asStored = try CodecLibraries.jpeg(raw, color: .asStored, maxPixels: 1 << 20)
        #expect(try decoder.frame(0).samples == asStored.samples)
        #expect(asStored.colorTransformed == false)
    }

    @Test func twelveBitLossyJPEGIsDecodedByOurDCTDecoder() throws {
        guard let decoder = try ImagingFixtures.pydicomDecoder("JPGExtended.dcm") else { return }
        let raw = try decoder.encapsulatedFrame(0)
        #expect(JPEGDCTDecoder.framePrecision(raw) == 12)
        // libjpeg-turbo here is 8-bit only: it must say so rather than produce anything.
        #expect { try CodecLibraries.jpeg(raw, color: .asStored, maxPixels: 1 << 24) } throws: {
            ($0 as? ImagingError)?.code == .unsupportedImage
        }
        let frame = try decoder.frame(0)
        #expect(frame.rows == 1024 && frame.columns == 256 && frame.dataType == "uint16")
        let values = frame.integerSamples()
        #expect(values.max()! == 264 && values.min()! == 0)  // as pydicom and dcmtk decode it (±1 elsewhere)
    }

    static let compressedFiles = [
        "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_jpeg_gdcm.dcm", "MR_small_jpeg_ls_lossless.dcm", "JPEGLSNearLossless_16.dcm",
        "JPEG2000.dcm", "MR_small_jp2klossless.dcm", "examples_jpeg2k.dcm", "MR_small_RLE.dcm", "JPGExtended.dcm",
    ]

    @Test(arguments: compressedFiles)
    func truncatedCodestreamsAreTypedErrors(_ name: String) throws {
        guard let decoder = try ImagingFixtures.pydicomDecoder(name) else { return }
        let frame = try decoder.encapsulatedFrame(0)
        for keep in [0, 2, 20, frame.count / 3, frame.count / 2, frame.count * 9 / 10] {
            let cut = Array(frame.prefix(keep))
            #expect(throws: ImagingError.self, "\(name) cut to \(keep) bytes") {
                switch decoder.codec {
                case .jpegDCT:
                    if JPEGDCTDecoder.framePrecision(frame) == 12 {
                        _ = try JPEGDCTDecoder.decode(cut, maxPixels: 1 << 24)
                    } else {
                        _ = try CodecLibraries.jpeg(cut, color: .ycbcrToRGB, maxPixels: 1 << 24)
                    }
                case .jpegLossless: _ = try JPEGLosslessDecoder.decode(cut, maxPixels: 1 << 24)
                case .jpegLS: _ = try CodecLibraries.jpegLS(cut, maxPixels: 1 << 24)
                case .jpeg2000: _ = try CodecLibraries.jpeg2000(cut, maxPixels: 1 << 24)
                case .rle:
                    _ = try RLELosslessDecoder.decode(cut, rows: decoder.module.rows, columns: decoder.module.columns,
                        samplesPerPixel: decoder.module.samplesPerPixel, bytesPerSample: decoder.module.bitsAllocated / 8)
                default: Issue.record("not a compressed file")
                }
            }
        }
    }

    @Test func oversizedFramesAreRefusedBeforeDecoding() throws {
        guard let decoder = try ImagingFixtures.pydicomDecoder("JPEG2000.dcm") else { return }
        var options = PixelDataDecoder.Options()
        options.maximumPixels = 1000
        #expect { try decoder.frame(0, options: options) } throws: { ($0 as? ImagingError)?.code == .tooLarge }
    }
}
