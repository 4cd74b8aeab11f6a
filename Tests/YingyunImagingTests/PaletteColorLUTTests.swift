import Testing
import YingyunDICOM
import YingyunImaging

@Suite struct PaletteColorLUTTests {
    @Test func indicesMapThroughThePaletteAndClampOutsideIt() throws {
        // 3 entries, first mapped value 10, 16-bit entries.
        let extra = [
            ImagingFixtures.words(.redPaletteColorLookupTableDescriptor, [3, 10, 16], vr: .US),
            ImagingFixtures.words(Tag(rawValue: 0x0028_1102), [3, 10, 16], vr: .US),
            ImagingFixtures.words(Tag(rawValue: 0x0028_1103), [3, 10, 16], vr: .US),
            ImagingFixtures.words(.redPaletteColorLookupTableData, [100, 200, 300]),
            ImagingFixtures.words(.greenPaletteColorLookupTableData, [1, 2, 3]),
            ImagingFixtures.words(.bluePaletteColorLookupTableData, [7, 8, 9]),
        ]
        let ds = ImagingFixtures.image(rows: 1, columns: 4, bitsAllocated: 8, photometric: "PALETTE COLOR",
            pixels: [5, 10, 11, 250], extra: extra)
        let decoder = try ImagingFixtures.decoder(ds)
        #expect(try decoder.frame(0).photometricInterpretation == .paletteColor)
        let rgb = try decoder.frame(0, options: .init(applyPalette: true))
        #expect(rgb.photometricInterpretation == .rgb)
        #expect(rgb.integerSamples() == [100, 1, 7, 100, 1, 7, 200, 2, 8, 300, 3, 9])
    }

    @Test func segmentedPaletteExpandsDiscreteLinearAndIndirectSegments() throws {
        // Discrete [0, 10], linear to 40 over 3 entries, then an indirect copy of the first segment.
        let segments: [UInt16] = [0, 2, 0, 10, 1, 3, 40, 2, 1, 0, 0]
        let extra = [
            ImagingFixtures.words(.redPaletteColorLookupTableDescriptor, [7, 0, 16], vr: .US),
            ImagingFixtures.words(.segmentedRedPaletteColorLookupTableData, segments),
            ImagingFixtures.words(Tag(rawValue: 0x0028_1222), segments),
            ImagingFixtures.words(Tag(rawValue: 0x0028_1223), segments),
        ]
        let ds = ImagingFixtures.image(rows: 1, columns: 1, bitsAllocated: 8, photometric: "PALETTE COLOR",
            pixels: [0, 0], extra: extra)
        let lut = try #require(try ImagingFixtures.decoder(ds).module.palette)
        #expect(lut.red == [0, 10, 20, 30, 40, 0, 10])
    }

    @Test func pydicomPaletteFileHasAFullPalette() throws {
        guard let decoder = try ImagingFixtures.pydicomDecoder("examples_palette.dcm") else { return }
        let lut = try #require(decoder.module.palette)
        #expect(lut.red.count == 256 && lut.entryBits == 16)
        #expect(try decoder.frame(0, options: .init(applyPalette: true)).samplesPerPixel == 3)
    }
}
