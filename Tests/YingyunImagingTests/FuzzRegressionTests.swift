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
}
