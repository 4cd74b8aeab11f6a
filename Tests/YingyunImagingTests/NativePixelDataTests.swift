import Testing
import YingyunDICOM
import YingyunImaging

@Suite struct NativePixelDataTests {
    @Test func signedSamplesAreSignExtendedFromBitsStored() throws {
        // 12 bits stored, signed: 0x0FFF is -1, 0x0800 is -2048; high bits carry overlay garbage.
        let ds = ImagingFixtures.image(rows: 1, columns: 4, bitsAllocated: 16, bitsStored: 12, signed: true,
            pixels: ImagingFixtures.le16([0xF_FFF, 0xA800, 0x07FF, 0x3001]))
        let frame = try ImagingFixtures.decoder(ds).frame(0)
        #expect(frame.dataType == "int16")
        #expect(frame.integerSamples() == [-1, -2048, 2047, 1])
    }

    @Test func unsignedSamplesAreMaskedToBitsStored() throws {
        let ds = ImagingFixtures.image(rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 10,
            pixels: ImagingFixtures.le16([0xFC00 | 5, 0x03FF]))
        #expect(try ImagingFixtures.decoder(ds).frame(0).integerSamples() == [5, 1023])
    }

    @Test func planarConfigurationOneIsInterleaved() throws {
        let ds = ImagingFixtures.image(rows: 1, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, photometric: "RGB",
            planar: 1, pixels: [1, 2, 10, 20, 100, 200])
        #expect(try ImagingFixtures.decoder(ds).frame(0).samples == [1, 10, 100, 2, 20, 200])
    }

    @Test func oneBitFramesNeedNotStartOnAByte() throws {
        // Two 3×3 frames, 9 bits each, packed little-end first: frame 1 starts at bit 9.
        var bits = [Int](repeating: 0, count: 18)
        for i in [0, 4, 8, 9 + 1, 9 + 2, 9 + 7] { bits[i] = 1 }
        var packed = [UInt8](repeating: 0, count: 4)
        for (i, b) in bits.enumerated() where b == 1 { packed[i / 8] |= 1 << UInt8(i % 8) }
        let ds = ImagingFixtures.image(rows: 3, columns: 3, bitsAllocated: 1, frames: 2, pixels: packed)
        let decoder = try ImagingFixtures.decoder(ds)
        #expect(try decoder.frame(0).samples == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(try decoder.frame(1).samples == [0, 1, 1, 0, 0, 0, 0, 1, 0])
    }

    @Test func thirtyTwoBitSignedFramesAreSelected() throws {
        let values: [Int32] = [-5, 70000, 1, -70000]
        let bytes = values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> UInt32(8 * $0)) } }
        let ds = ImagingFixtures.image(rows: 1, columns: 2, bitsAllocated: 32, signed: true, frames: 2, pixels: bytes)
        let decoder = try ImagingFixtures.decoder(ds)
        #expect(try decoder.frame(1).integerSamples() == [1, -70000])
        #expect(try decoder.frame(0).dataType == "int32")
    }

    @Test func shortPixelDataIsATypedError() throws {
        let ds = ImagingFixtures.image(rows: 2, columns: 2, bitsAllocated: 16, frames: 2, pixels: ImagingFixtures.le16([1, 2, 3, 4, 5]))
        let decoder = try ImagingFixtures.decoder(ds)
        _ = try decoder.frame(0)
        #expect { try decoder.frame(1) } throws: { ($0 as? ImagingError)?.code == .truncatedPixelData }
        #expect { try decoder.frame(2) } throws: { ($0 as? ImagingError)?.code == .frameOutOfRange }
    }

    @Test func ybrFull422IsExpandedAndConvertedToRGB() throws {
        // Y1 Y2 Cb Cr with neutral chroma: grey pixels.
        let ds = ImagingFixtures.image(rows: 1, columns: 2, bitsAllocated: 8, samplesPerPixel: 3,
            photometric: "YBR_FULL_422", pixels: [50, 200, 128, 128])
        let frame = try ImagingFixtures.decoder(ds).frame(0)
        #expect(frame.photometricInterpretation == .rgb)
        #expect(frame.samples == [50, 50, 50, 200, 200, 200])
        let kept = try ImagingFixtures.decoder(ds).frame(0, options: .init(convertYBRToRGB: false))
        #expect(kept.photometricInterpretation == .ybrFull)
        #expect(kept.samples == [50, 128, 128, 200, 128, 128])
    }

    @Test func ybrFullConvertsWithTheStandardCoefficients() throws {
        // Pure red in YCbCr (JFIF): Y 76, Cb 85, Cr 255.
        let ds = ImagingFixtures.image(rows: 1, columns: 1, bitsAllocated: 8, samplesPerPixel: 3,
            photometric: "YBR_FULL", pixels: [76, 85, 255])
        let rgb = try ImagingFixtures.decoder(ds).frame(0).samples
        #expect(rgb[0] >= 253 && rgb[1] <= 1 && rgb[2] <= 1)
    }

    @Test func missingRowsIsNamed() throws {
        var ds = ImagingFixtures.image(rows: 1, columns: 1, bitsAllocated: 8, pixels: [0, 0])
        ds[.rows] = nil
        #expect { try ImagingFixtures.decoder(ds) } throws: {
            let e = $0 as? ImagingError
            return e?.code == .missingAttribute && e?.message.contains("Rows") == true
        }
    }

    @Test func unknownTransferSyntaxIsNamedNotGuessed() throws {
        let ds = ImagingFixtures.image(rows: 1, columns: 1, bitsAllocated: 8, pixels: [0, 0])
        #expect {
            try ImagingFixtures.decoder(ds, TransferSyntax(uid: "1.2.840.10008.1.2.4.100"))
        } throws: {
            "\($0)" == "unsupportedTransferSyntax: unsupported transfer syntax 1.2.840.10008.1.2.4.100 (MPEG2 Main Profile / Main Level)"
        }
    }

    @Test func bigEndianFilesDecodeLikeTheirLittleEndianTwins() throws {
        for (big, little) in [("MR_small_bigendian.dcm", "MR_small.dcm"), ("rtdose_expb.dcm", "rtdose.dcm"),
            ("SC_rgb_small_odd_big_endian.dcm", "SC_rgb_small_odd.dcm"), ("liver_expb_1frame.dcm", "liver_1frame.dcm")]
        {
            guard let b = try ImagingFixtures.pydicomDecoder(big), let l = try ImagingFixtures.pydicomDecoder(little) else { return }
            #expect(b.numberOfFrames == l.numberOfFrames)
            for i in 0..<b.numberOfFrames {
                #expect(try b.frame(i) == l.frame(i), "\(big) frame \(i)")
            }
        }
    }
}
