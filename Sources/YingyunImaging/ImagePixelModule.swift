public import YingyunDICOM

/// The attributes of the Image Pixel Module (PS3.3 C.7.6.3) that say how to read Pixel Data,
/// plus Number of Frames (C.7.6.6) and the palette for PALETTE COLOR images.
public struct ImagePixelModule: Sendable, Hashable {
    public var samplesPerPixel: Int
    public var photometricInterpretation: PhotometricInterpretation
    public var rows: Int
    public var columns: Int
    public var bitsAllocated: Int
    public var bitsStored: Int
    public var highBit: Int
    /// 0 unsigned, 1 two's complement (Pixel Representation, 0028,0103).
    public var pixelRepresentation: Int
    /// 0 colour-by-pixel (R1G1B1R2…), 1 colour-by-plane (R…G…B…).
    public var planarConfiguration: Int
    public var numberOfFrames: Int
    /// Present for PALETTE COLOR images.
    public var palette: PaletteColorLUT?

    public var isSigned: Bool { pixelRepresentation == 1 }

    /// Samples in one frame (rows × columns × samples per pixel).
    public var samplesPerFrame: Int { rows * columns * samplesPerPixel }

    /// Bytes of one native (uncompressed) frame; 1-bit data is packed (PS3.5 §8.1.1).
    public var nativeFrameBits: Int { samplesPerFrame * bitsAllocated }

    /// Reads the module from a data set.
    /// - Parameters:
    ///   - dataSet: the image's data set.
    ///   - source: where bulk values (large palettes) can be read back; nil when all are in memory.
    /// - Throws: `ImagingError` naming a missing or invalid attribute.
    public init(dataSet ds: DataSet, source: (any ByteSource)? = nil) throws {
        func integer(_ tag: Tag, _ name: String) throws -> Int {
            guard let e = ds[tag] else { throw ImagingError(.missingAttribute, "no \(name) \(tag)") }
            guard let v = e.intValue else { throw ImagingError(.invalidAttribute, "\(name) \(tag) has no integer value") }
            return v
        }
        rows = try integer(.rows, "Rows")
        columns = try integer(.columns, "Columns")
        bitsAllocated = try integer(.bitsAllocated, "Bits Allocated")
        samplesPerPixel = (try? integer(.samplesPerPixel, "Samples per Pixel")) ?? 1
        bitsStored = (try? integer(.bitsStored, "Bits Stored")) ?? bitsAllocated
        highBit = (try? integer(.highBit, "High Bit")) ?? (bitsStored - 1)
        pixelRepresentation = (try? integer(.pixelRepresentation, "Pixel Representation")) ?? 0
        planarConfiguration = samplesPerPixel > 1 ? ((try? integer(.planarConfiguration, "Planar Configuration")) ?? 0) : 0
        // Number of Frames is IS; a damaged value ("1A") is treated as absent with one frame.
        numberOfFrames = max(1, ds[.numberOfFrames]?.intValue ?? 1)

        let piText = ds[.photometricInterpretation]?.stringValue(characterSet: .default) ?? ""
        if let pi = PhotometricInterpretation(rawValue: piText.uppercased()) {
            photometricInterpretation = pi
        } else if piText.isEmpty {
            photometricInterpretation = samplesPerPixel == 3 ? .rgb : .monochrome2
        } else {
            throw ImagingError(.unsupportedImage, "Photometric Interpretation \"\(piText)\" is not supported")
        }

        guard rows > 0, columns > 0 else {
            throw ImagingError(.invalidAttribute, "image of \(rows) rows and \(columns) columns")
        }
        guard [1, 8, 16, 32].contains(bitsAllocated) || (bitsAllocated % 8 == 0 && bitsAllocated <= 64) else {
            throw ImagingError(.unsupportedImage, "Bits Allocated \(bitsAllocated)")
        }
        guard bitsStored >= 1, bitsStored <= bitsAllocated else {
            throw ImagingError(.invalidAttribute, "Bits Stored \(bitsStored) with Bits Allocated \(bitsAllocated)")
        }
        guard samplesPerPixel == 1 || samplesPerPixel == 3 || samplesPerPixel == 4 else {
            throw ImagingError(.unsupportedImage, "Samples per Pixel \(samplesPerPixel)")
        }
        guard pixelRepresentation == 0 || pixelRepresentation == 1 else {
            throw ImagingError(.invalidAttribute, "Pixel Representation \(pixelRepresentation)")
        }
        palette =
            photometricInterpretation == .paletteColor ? try PaletteColorLUT(dataSet: ds, source: source) : nil
    }

    /// A module built from values (tests, synthetic images).
    public init(
        rows: Int, columns: Int, samplesPerPixel: Int = 1,
        photometricInterpretation: PhotometricInterpretation = .monochrome2, bitsAllocated: Int,
        bitsStored: Int? = nil, pixelRepresentation: Int = 0, planarConfiguration: Int = 0, numberOfFrames: Int = 1,
        palette: PaletteColorLUT? = nil
    ) {
        self.rows = rows
        self.columns = columns
        self.samplesPerPixel = samplesPerPixel
        self.photometricInterpretation = photometricInterpretation
        self.bitsAllocated = bitsAllocated
        self.bitsStored = bitsStored ?? bitsAllocated
        self.highBit = (bitsStored ?? bitsAllocated) - 1
        self.pixelRepresentation = pixelRepresentation
        self.planarConfiguration = planarConfiguration
        self.numberOfFrames = numberOfFrames
        self.palette = palette
    }
}
