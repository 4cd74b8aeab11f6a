#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import YingyunDICOM
import YingyunDICOMIO
import YingyunImaging

/// Synthetic image data sets and pydicom's bundled files (when pydicom is installed).
enum ImagingFixtures {
    static func us(_ tag: Tag, _ v: Int) -> DataElement {
        DataElement(tag: tag, vr: .US, bytes: ByteBuffer(bytes: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)]))
    }

    static func text(_ tag: Tag, _ vr: VR, _ s: String) -> DataElement {
        var b = Array(s.utf8)
        if b.count % 2 == 1 { b.append(0x20) }
        return DataElement(tag: tag, vr: vr, bytes: ByteBuffer(bytes: b))
    }

    static func words(_ tag: Tag, _ values: [UInt16], vr: VR = .OW) -> DataElement {
        DataElement(tag: tag, vr: vr, bytes: ByteBuffer(bytes: values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }))
    }

    /// An image data set with native pixel data.
    static func image(
        rows: Int, columns: Int, bitsAllocated: Int, bitsStored: Int? = nil, signed: Bool = false,
        samplesPerPixel: Int = 1, photometric: String = "MONOCHROME2", planar: Int = 0, frames: Int? = nil,
        pixels: [UInt8], extra: [DataElement] = []
    ) -> DataSet {
        var elements = [
            us(.samplesPerPixel, samplesPerPixel), text(.photometricInterpretation, .CS, photometric),
            us(.rows, rows), us(.columns, columns), us(.bitsAllocated, bitsAllocated),
            us(.bitsStored, bitsStored ?? bitsAllocated), us(.highBit, (bitsStored ?? bitsAllocated) - 1),
            us(.pixelRepresentation, signed ? 1 : 0),
            DataElement(tag: .pixelData, vr: bitsAllocated > 8 ? .OW : .OB, bytes: ByteBuffer(bytes: pixels)),
        ]
        if samplesPerPixel > 1 { elements.append(us(.planarConfiguration, planar)) }
        if let frames { elements.append(text(.numberOfFrames, .IS, String(frames))) }
        return DataSet(elements + extra)
    }

    static func decoder(_ ds: DataSet, _ ts: TransferSyntax = .explicitVRLittleEndian) throws -> PixelDataDecoder {
        try PixelDataDecoder(dataSet: ds, transferSyntax: ts, source: nil)
    }

    static func le16(_ values: [Int]) -> [UInt8] { values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8 & 0xFF)] } }

    // MARK: pydicom's files

    static let pydicomTestFiles: String? = {
        if let env = getenv("YINGYUN_PYDICOM_DATA") { return String(cString: env) + "/test_files" }
        guard let pipe = popen("python3 -c 'import pydicom,os;print(os.path.dirname(pydicom.__file__))' 2>/dev/null", "r")
        else { return nil }
        defer { pclose(pipe) }
        var buf = [CChar](repeating: 0, count: 4096)
        guard fgets(&buf, 4096, pipe) != nil else { return nil }
        let line = String(decoding: buf.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return line.isEmpty ? nil : line + "/data/test_files"
    }()

    /// Decodes frame `index` of a bundled pydicom file; nil when pydicom is not installed.
    static func pydicomFrame(_ name: String, frame index: Int = 0, options: PixelDataDecoder.Options = .init())
        throws -> DecodedFrame?
    {
        guard let decoder = try pydicomDecoder(name) else { return nil }
        return try decoder.frame(index, options: options)
    }

    static func pydicomDecoder(_ name: String) throws -> PixelDataDecoder? {
        guard let dir = pydicomTestFiles, access(dir + "/" + name, R_OK) == 0 else { return nil }
        let source = try FileByteSource(path: dir + "/" + name)
        return try PixelDataDecoder(file: DICOMFile.parse(source), source: source)
    }
}
