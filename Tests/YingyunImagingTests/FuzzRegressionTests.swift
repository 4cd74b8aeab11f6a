import Foundation
import NIOCore
import Testing
import YingyunDICOM
@testable import YingyunImaging

/// Inputs tools/fuzz/decoders.sh found, kept as regressions: each must throw, never trap.
@Suite struct FuzzRegressionTests {
    static func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        let length = body.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + body
    }

    /// Two frame headers of different sizes, then a scan of the first frame's component: the
    /// planes of the first no longer matched the size the second declared (index out of range).
    @Test func secondFrameHeaderIsRefused() {
        var d: [UInt8] = [0xFF, 0xD8]
        d += Self.segment(0xC3, [8, 0, 2, 0, 2, 1, 1, 0x11, 0])           // 2×2, component 1
        d += Self.segment(0xC3, [8, 0, 9, 0, 9, 1, 2, 0x11, 0])           // 9×9, component 2
        d += Self.segment(0xC4, [0x00] + [1] + [UInt8](repeating: 0, count: 15) + [0])  // one code: category 0
        d += Self.segment(0xDA, [1, 1, 0x00, 1, 0, 0])                    // scan of component 1, predictor 1
        d += [UInt8](repeating: 0x00, count: 64) + [0xFF, 0xD9]
        #expect(throws: ImagingError.self) { _ = try JPEGLosslessDecoder.decode(d, maxPixels: 1 << 20) }
    }

    /// 1 bit per sample with three samples (RGB or YBR_FULL_422): unpacked to fewer samples than
    /// the frame declared, and readers then indexed past the end.
    @Test(arguments: [PhotometricInterpretation.rgb, .ybrFull422])
    func oneBitColourIsRefused(_ photometric: PhotometricInterpretation) {
        let module = ImagePixelModule(rows: 1, columns: 2, samplesPerPixel: 3, photometricInterpretation: photometric, bitsAllocated: 1)
        let element = DataElement(tag: .pixelData, vr: .OB, bytes: ByteBuffer(bytes: [0xFF, 0x0F, 0, 0]))
        #expect(throws: ImagingError.self) {
            _ = try NativePixelData.frame(0, module: module, element: element, source: nil, bigEndian: false)
        }
    }

    /// A 2×2 8-bit grey HTJ2K codestream (10, 20, 30, 40) made by OpenJPH's ojph_compress.
    static let htj2kGrey2x2: [UInt8] = [
        0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29, 0x40, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x01, 0xFF, 0x50, 0x00,
        0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0xFF, 0x52, 0x00, 0x0C, 0x00, 0x02, 0x00, 0x01, 0x00,
        0x05, 0x04, 0x04, 0x40, 0x01, 0xFF, 0x5C, 0x00, 0x13, 0x20, 0x50, 0x58, 0x58, 0x60, 0x58, 0x58,
        0x60, 0x58, 0x58, 0x60, 0x58, 0x58, 0x58, 0x50, 0x50, 0x58, 0xFF, 0x64, 0x00, 0x16, 0x00, 0x01,
        0x4F, 0x70, 0x65, 0x6E, 0x4A, 0x50, 0x48, 0x20, 0x56, 0x65, 0x72, 0x20, 0x30, 0x2E, 0x39, 0x2E,
        0x30, 0x2E, 0xFF, 0x90, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x29, 0x00, 0x01, 0xFF, 0x93,
        0xC0, 0x12, 0x80, 0xCD, 0x01, 0x07, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x12, 0xC0, 0x12,
        0x80, 0xF2, 0x00, 0xC7, 0x74, 0x00, 0xE6, 0x00, 0x07, 0x74, 0x00, 0xFF, 0xD9,
    ]

    /// An HTJ2K codestream (mutated from one OpenJPH made) on which Debian's OpenJPEG 2.5.0 fails
    /// an assert in its HT block decoder and aborts: decoded in an isolated child, the abort is a
    /// typed error here instead of the end of the process.
    @Test func openJPEGAbortStaysInTheIsolatedDecoder() throws {
        let encoded = [
        "/0//UQApQAAAAABAAAAAMAAAAAAAAAAAAAAAQAAAADAAAAAAAAAAAAABBwEB/1AACAACAAAABP9SAAwAAgABAAUEBEAB/1wAEyBQ",
        "WFhgWFhgWFhgWFhYUFBY/2QAFgABT3BlbkpQSCBWZXIgMC45LjAu/5AACgAAAAADKgAB/5PAFQAhgjRAAMM0AMAKiAE0AEw1KiPy",
        "AIK0AEOwAEI0AGflACI0AMAK+AFoQAWix4HCqzioM9kCsfAEx9cAQDLgBxHByJnyB+5gCPdXAAAZDjnACCW34gEG2YQAE1cAwAug",
        "gBdHABdEhcZMBncBHh8fYKI8vLJ3j8Wa9uQHJtLvQIOPABQgXQB0EQAE/UJq2Ahg2kMETqCOPTRYWKzkASgEPn8cBOmAFAPeADNU",
        "AFIYLHfTaQMmAIHMm9lzMkcs4NAJYMcdgjnwgWMGzQDAC9EgBenwAvQwpIoIDvMCiTqmVILxhKhGEtxJYgMIY+pJ0w4U66AUCS+E",
        "KGKmASAH+fmrlJTlbnJ8WnZmZLpcvJsHMALpz4ALzCVCfAFSBswDZ+A0MkOS0BTQSAkl+ZgCkBWkGCCJMQUnk1kgQaGZAo1hoTof",
        "FAAUFJQSERH9/mWoOT37z2roQQCyyGHH0uUsHBd8AF4bdhYhll4BDFDmw4chANXgM3egWgEAggx3uTZMAFUMlENDVaizCmAA4AQP",
        "u9vVBoT+YbNQ0GD6MsKHHkLhNDcxAtA/hCXCBCZaAcAX0BAF9FwAvWwA4J9PEO/z8f39fp6PIL7v+fm/vg+Rf77v+z4/h/f5+P5+",
        "P88H3/f8/F/fB/zzfd/3+Tm8z8f39/t5Pviej/9r94H+vwGRwwQwQQ4pyJb4ALTgiTuFEllp2UzWT4tOSwEHxdOEExQul4Wnwmw3",
        "7CmRLfABej3CiSygifFp6eJ+A/7h6/16jx/fPD8+/MPj8eHr8fmHr8fX98d7/Pjm+fHhHx6PD1+Pzz98Pb6+P97jxzfPjw9HoOpR",
        "74v0hYCAQAAAAAAAAAAA8P95LI4oYooYRJ79knv2Sf/////////////////////////////////////////////////////v2Se/",
        "ZJ79p7V6+AEzlsk944kspLAiXFCCYo+LwmOG+XhSAFrsKCKfwgXknvHEllFE5lME/p+/3/9/79/v7+/n9+f/eefv/33/f/37/f39",
        "/P78P3/+/t//f+/f7+/n/3f/eSyOKKOKKPBJvP////////////////////////////////////////////////////9AooQQJZQg",
        "mDBSUgobywQVLCCghE6QgqTeIFihBAllGEB+XwL/2Q==",
        ].joined()
        let codestream = [UInt8](Data(base64Encoded: encoded)!)
        #expect(codestream.count == 1006)
        do {
            _ = try CodecLibraries.jpeg2000(codestream, maxPixels: 1 << 20)
            Issue.record("the damaged codestream decoded")
        } catch let error as ImagingError {
            #expect(error.message.contains("crashed") || error.message.contains("OpenJPEG"))
        }
        // The process is still here, and a good codestream still decodes.
        let good = try CodecLibraries.jpeg2000(Self.htj2kGrey2x2, maxPixels: 1 << 20)
        #expect(good.width == 2 && good.height == 2 && good.samples == [10, 20, 30, 40])
    }
}
