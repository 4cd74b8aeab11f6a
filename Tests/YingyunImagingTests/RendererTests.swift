import NIOCore
import Testing
import YingyunDICOM
@testable import YingyunImaging

@Suite struct RendererTests {
    static func grey(_ values: [Int], photometric: String = "MONOCHROME2", extra: [DataElement] = []) throws
        -> PixelDataDecoder
    {
        let ds = ImagingFixtures.image(rows: 1, columns: values.count, bitsAllocated: 16, signed: true,
            photometric: photometric, pixels: ImagingFixtures.le16(values), extra: extra)
        return try ImagingFixtures.decoder(ds)
    }

    @Test func linearWindowFollowsPS3_3_C_11_2_1_2_1() {
        let w = VOIWindow(center: 40, width: 400)
        #expect(w(-160.5) == 0)
        #expect(w(239.6) == 1)
        #expect(abs(w(39.5) - 0.5) < 1e-12)
        #expect(VOIWindow(center: 40, width: 400, function: .linearExact)(40) == 0.5)
        #expect(VOIWindow(center: 40, width: 400, function: .sigmoid)(40) == 0.5)
        #expect(VOIWindow(center: 40, width: 400, function: .sigmoid)(1000) > 0.99)
    }

    @Test func monochrome1IsInverted() throws {
        let window = VOIWindow(center: 50, width: 100, function: .linearExact)
        let m2 = try Renderer.render(Self.grey([0, 100]), options: .init(window: window))
        let m1 = try Renderer.render(Self.grey([0, 100], photometric: "MONOCHROME1"), options: .init(window: window))
        #expect(m2.pixels == [0, 255])
        #expect(m1.pixels == [255, 0])
    }

    @Test func rescaleInterceptAppliesBeforeTheWindow() throws {
        // Stored 1024 with intercept −1024 is 0 HU: the centre of a (0, 100) window.
        let extra = [ImagingFixtures.text(.rescaleIntercept, .DS, "-1024"), ImagingFixtures.text(.rescaleSlope, .DS, "1"),
            ImagingFixtures.text(.windowCenter, .DS, "0"), ImagingFixtures.text(.windowWidth, .DS, "100"),
            ImagingFixtures.text(.voilutFunction, .CS, "LINEAR_EXACT")]
        let image = try Renderer.render(Self.grey([1024, 1024 - 50, 1024 + 50], extra: extra))
        #expect(image.pixels == [128, 0, 255])
    }

    @Test func voiLUTSequenceIsUsedWhenThereIsNoWindow() throws {
        let item = DataSet([
            ImagingFixtures.words(.lutDescriptor, [3, 0, 8], vr: .US),
            ImagingFixtures.words(.lutData, [0, 51, 255]),
        ])
        let extra = [DataElement(tag: .voilutSequence, items: [item])]
        let image = try Renderer.render(Self.grey([0, 1, 2, 7], extra: extra))
        #expect(image.pixels == [0, 51, 255, 255])
    }

    @Test func automaticWindowIgnoresRareOutliers() throws {
        var values = [Int](repeating: 100, count: 500) + [Int](repeating: 200, count: 500)
        values[0] = -3000  // padding value
        let image = try Renderer.render(Self.grey(values))
        #expect(image.pixels[1] < 10 && image.pixels[999] > 245)
    }

    @Test func areaAveragingCoversEverySourcePixel() {
        let down = AreaResize.resize([0, 0, 255, 255], width: 4, height: 1, channels: 1, newWidth: 2, newHeight: 1)
        #expect(down == [0, 255])
        let thirds = AreaResize.resize([0, 90, 180], width: 3, height: 1, channels: 1, newWidth: 2, newHeight: 1)
        #expect(abs(thirds[0] - 30) < 1e-3 && abs(thirds[1] - 150) < 1e-3)
        let square = AreaResize.resize([0, 100, 200, 100], width: 2, height: 2, channels: 1, newWidth: 1, newHeight: 1)
        #expect(square == [100])
    }

    @Test func wholeFactorBoxMeanEqualsTheGeneralAreaResize() {
        // 12 × 8 → 3 × 2 (factors 4 and 4) through both paths, fed the same rows.
        let width = 12, height = 8
        let src = (0..<(width * height)).map { Float(($0 * 37) % 255) }
        let general = AreaResize.resize(src, width: width, height: height, channels: 1, newWidth: 3, newHeight: 2)
        let box = AreaResize.boxReduce(width: width, height: height, factorX: 4, factorY: 4) { body in
            src.withUnsafeBufferPointer { p in
                for y in 0..<height { body(y, UnsafeBufferPointer(rebasing: p[(y * width)..<((y + 1) * width)])) }
            }
        }
        #expect(box.count == general.count)
        #expect(zip(box, general).allSatisfy { abs($0 - $1) < 1e-3 })
    }

    @Test func sixteenBitGreyKeepsTheEightBitPictureWithFinerSteps() throws {
        let values = Array(-1000...1000)
        let window = VOIWindow(center: 0, width: 2000)
        let eight = try Renderer.render(Self.grey(values), options: .init(window: window))
        let sixteen = try Renderer.render(Self.grey(values), options: .init(window: window, bitDepth: 16))
        #expect(sixteen.bitDepth == 16 && sixteen.pixels.isEmpty && sixteen.pixels16.count == values.count)
        #expect(zip(eight.pixels, sixteen.pixels16).allSatisfy { abs(Double($1) / 257 - Double($0)) <= 0.5 + 1e-9 })
        #expect(Set(sixteen.pixels16).count > Set(eight.pixels).count)  // finer steps, not just scaled
        let png = try ImageEncoder.png(sixteen)
        #expect(png[24] == 16 && png[25] == 0)  // IHDR: bit depth 16, colour type grey
        #expect(throws: ImagingError.self) { try ImageEncoder.jpeg(sixteen) }
        guard let rgb = try ImagingFixtures.pydicomDecoder("examples_rgb_color.dcm") else { return }
        #expect(throws: ImagingError.self) { try Renderer.render(rgb, options: .init(bitDepth: 16)) }
    }

    @Test func sizeKeepsTheAspectRatio() throws {
        guard let decoder = try ImagingFixtures.pydicomDecoder("examples_rgb_color.dcm") else { return }
        let image = try Renderer.render(decoder, options: .init(size: 128))
        #expect(image.width == 128 && image.height == 96 && image.components == 3)
    }

    @Test func pngAndJPEGEncodersProduceDecodableFiles() throws {
        let pixels = (0..<(64 * 48)).map { UInt8($0 % 251) }
        let image = RenderedImage(width: 64, height: 48, components: 1, pixels: pixels)
        let png = try ImageEncoder.png(image)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let jpeg = try ImageEncoder.jpeg(image, quality: 95)
        let back = try CodecLibraries.jpeg(jpeg, color: .asStored, maxPixels: 1 << 20)
        #expect(back.width == 64 && back.height == 48 && back.components == 1)
        let rgb = RenderedImage(width: 2, height: 1, components: 3, pixels: [255, 0, 0, 0, 0, 255])
        #expect(try ImageEncoder.jpeg(rgb).prefix(2) == [0xFF, 0xD8])
        let png16 = try ImageEncoder.png16(width: 2, height: 1, samples: [0, 65535])
        #expect(png16.count > 8)
    }

    @Test func encodersRejectImpossibleImagesWithoutCrashing() {
        #expect(throws: ImagingError.self) {
            try ImageEncoder.png(RenderedImage(width: 0, height: 0, components: 1, pixels: []))
        }
        #expect(throws: ImagingError.self) {
            try ImageEncoder.jpeg(RenderedImage(width: 70000, height: 1, components: 1, pixels: [UInt8](repeating: 0, count: 70000)))
        }
    }

    @Test func enhancedImagesTakeRescaleAndWindowFromTheirFunctionalGroups() throws {
        // Shared groups: intercept −1000; frame 1's own group: window centre 0, width 100 (LINEAR_EXACT).
        let shared = DataSet([DataElement(tag: Tag(rawValue: 0x0028_9145), items: [DataSet([
            ImagingFixtures.text(.rescaleIntercept, .DS, "-1000"), ImagingFixtures.text(.rescaleSlope, .DS, "1"),
        ])])])
        let frameVOI = DataSet([
            ImagingFixtures.text(.windowCenter, .DS, "0"), ImagingFixtures.text(.windowWidth, .DS, "100"),
            ImagingFixtures.text(.voilutFunction, .CS, "LINEAR_EXACT"),
        ])
        let perFrame = [DataSet(), DataSet([DataElement(tag: Tag(rawValue: 0x0028_9132), items: [frameVOI])])]
        let extra = [
            DataElement(tag: Tag(rawValue: 0x5200_9229), items: [shared]),
            DataElement(tag: Tag(rawValue: 0x5200_9230), items: perFrame),
        ]
        let ds = ImagingFixtures.image(rows: 1, columns: 3, bitsAllocated: 16, frames: 2,
            pixels: ImagingFixtures.le16([0, 0, 0, 1000, 950, 1050]), extra: extra)
        let image = try Renderer.render(ImagingFixtures.decoder(ds), options: .init(frame: 1))
        #expect(image.pixels == [128, 0, 255])
    }

    @Test func sigmoidWindowFromTheFileIsApplied() throws {
        let extra = [ImagingFixtures.text(.windowCenter, .DS, "100\\500"), ImagingFixtures.text(.windowWidth, .DS, "50\\10"),
            ImagingFixtures.text(.voilutFunction, .CS, "SIGMOID")]
        let image = try Renderer.render(Self.grey([100, 0, 400], extra: extra))
        // The first of several windows is used; the sigmoid is 0.5 at the centre.
        #expect(image.pixels == [128, 0, 255])
    }

    @Test func sixteenBitRGBIsScaledByBitsStored() throws {
        let ds = ImagingFixtures.image(rows: 1, columns: 1, bitsAllocated: 16, bitsStored: 12, samplesPerPixel: 3,
            photometric: "RGB", pixels: ImagingFixtures.le16([4095, 0, 2048]))
        #expect(try Renderer.render(ImagingFixtures.decoder(ds)).pixels == [255, 0, 128])
    }
}
