import Foundation
public import NIOCore
public import YingyunCatalog
import YingyunDICOM
import YingyunStore

/// A series delivered as one volume for AI services: slices ordered along the normal (see
/// `VolumeGeometry`), decoded, Modality LUT applied (CT in Hounsfield units), written as one
/// little-endian array in C order (slice, row, column). Slices are decoded one at a time.
public struct SeriesVolume: Sendable {
    /// Sample type of the array.
    public enum SampleType: String, Sendable, Codable {
        case uint8, int16, uint16, int32, float32
        public var size: Int { self == .uint8 ? 1 : (self == .int16 || self == .uint16) ? 2 : 4 }
    }

    struct SliceInfo: Sendable {
        var instance: StoredInstance
        var slope: Double
        var intercept: Double
    }

    public let geometry: VolumeGeometry
    public let sampleType: SampleType
    /// Whether stored values were rescaled (Rescale Slope/Intercept other than 1/0).
    public let rescaled: Bool
    public let modality: String?
    let slices: [SliceInfo]   // volume order

    public var instances: [StoredInstance] { slices.map(\.instance) }
    public var byteCount: Int { geometry.shape.reduce(1, *) * sampleType.size }

    /// Reads every slice's header (not its pixels) and works out the geometry and sample type.
    public static func plan(archive: Archive, study: String, series: String) async throws -> SeriesVolume {
        let rows = try await archive.catalog.instances(studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: nil)
        if rows.isEmpty { throw VolumeError("no such series") }
        let images = rows.filter { $0.pixelDataOffset != nil }
        var geometry: [VolumeGeometry.Slice] = []
        var infos: [SliceInfo] = []
        var storedRange: (min: Int, max: Int)?
        var modality: String?
        var maxBitsAllocated = 0
        for row in images {
            guard let digest = BlobDigest(hex: row.digest) else { throw VolumeError("bad digest in catalog") }
            let file = try DICOMFile.parse(
                BlobByteSource(reader: try archive.store.reader(for: digest)), options: ParseOptions(stopBeforePixelData: true))
            let ds = file.dataSet
            func numbers(_ tag: Tag) -> [Double] {
                (ds[tag]?.stringValues(characterSet: .default) ?? []).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            }
            if (ds[.samplesPerPixel]?.intValue ?? 1) != 1 { throw VolumeError("colour images are not assembled into volumes") }
            if (ds[.numberOfFrames]?.stringValue(characterSet: .default)).flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) ?? 1 > 1 {
                throw VolumeError("multi-frame instances are not assembled into volumes yet")
            }
            let rowsCount = ds[.rows]?.intValue ?? 0, columns = ds[.columns]?.intValue ?? 0
            geometry.append(.init(
                position: numbers(.imagePositionPatient), orientation: numbers(.imageOrientationPatient),
                pixelSpacing: numbers(.pixelSpacing), rows: rowsCount, columns: columns))
            let slope = numbers(.rescaleSlope).first ?? 1, intercept = numbers(.rescaleIntercept).first ?? 0
            infos.append(SliceInfo(instance: row, slope: slope, intercept: intercept))
            let bits = ds[.bitsStored]?.intValue ?? 16
            maxBitsAllocated = max(maxBitsAllocated, ds[.bitsAllocated]?.intValue ?? 16)
            let signed = (ds[.pixelRepresentation]?.intValue ?? 0) == 1
            let range = signed ? (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) : (0, (1 << bits) - 1)
            storedRange = storedRange.map { (min($0.min, range.0), max($0.max, range.1)) } ?? range
            modality = modality ?? ds[.modality]?.stringValue(characterSet: .default)?.trimmingCharacters(in: .whitespaces)
        }
        let g = try VolumeGeometry(geometry)
        let ordered = g.order.map { infos[$0] }
        let identity = ordered.allSatisfy { $0.slope == 1 && $0.intercept == 0 }
        let integral = ordered.allSatisfy { $0.slope.rounded() == $0.slope && $0.intercept.rounded() == $0.intercept }
        let (lo, hi) = storedRange ?? (0, 0)
        var extremes: [Double] = []
        for s in ordered { extremes += [Double(lo) * s.slope + s.intercept, Double(hi) * s.slope + s.intercept] }
        let outMin = extremes.min() ?? 0, outMax = extremes.max() ?? 0
        let type: SampleType
        if !integral { type = .float32 }
        else if identity && outMin >= 0 && outMax <= 255 && maxBitsAllocated <= 8 { type = .uint8 }
        else if identity && outMin >= 0 && outMax <= 65535 { type = .uint16 }  // stored values as they are
        else if outMin >= -32768 && outMax <= 32767 { type = .int16 }
        else if outMin >= 0 && outMax <= 65535 { type = .uint16 }
        else if outMin >= -2_147_483_648 && outMax <= 2_147_483_647 { type = .int32 }
        else { type = .float32 }
        return SeriesVolume(geometry: g, sampleType: type, rescaled: !identity, modality: modality, slices: ordered)
    }

    /// Decodes slice after slice and hands each one's samples, converted, to `sink`.
    public func write(archive: Archive, transcoder: Transcoder, sink: (ByteBuffer) throws -> Void) throws {
        let perSlice = geometry.shape[1] * geometry.shape[2]
        for slice in slices {
            guard let digest = BlobDigest(hex: slice.instance.digest) else { throw VolumeError("bad digest in catalog") }
            guard let samples = try transcoder.decodedFrames(try archive.store.reader(for: digest), numbers: [1]).first,
                  samples.count == perSlice
            else { throw VolumeError("slice \(slice.instance.sopInstanceUID) does not hold \(perSlice) samples") }
            var out = ByteBuffer()
            out.reserveCapacity(perSlice * sampleType.size)
            for i in 0..<perSlice {
                let v = Double(samples.sample(i)) * slice.slope + slice.intercept
                switch sampleType {
                // Clamped: the type was chosen from Bits Stored, but a damaged slice must not trap.
                case .uint8: out.writeInteger(UInt8(clamping: Int(v)))
                case .int16: out.writeInteger(Int16(clamping: Int(v)), endianness: .little)
                case .uint16: out.writeInteger(UInt16(clamping: Int(v)), endianness: .little)
                case .int32: out.writeInteger(Int32(clamping: Int(v)), endianness: .little)
                case .float32: out.writeInteger(Float(v).bitPattern, endianness: .little)
                }
            }
            try sink(out)
        }
    }

    /// The JSON header an AI client reads before the array.
    public func header(study: String, series: String, dataURL: String) -> VolumeHeader {
        VolumeHeader(
            studyInstanceUID: study, seriesInstanceUID: series, shape: geometry.shape, dtype: sampleType.rawValue,
            byteOrder: "little", order: "C: slice, row, column", spacing: geometry.spacing, origin: geometry.origin,
            direction: geometry.direction, uniformSpacing: geometry.uniformSpacing, sliceLocations: geometry.sliceLocations,
            rescaled: rescaled, units: rescaled && modality == "CT" ? "HU" : nil, modality: modality,
            sopInstanceUIDs: slices.map(\.instance.sopInstanceUID), bytes: byteCount, data: dataURL)
    }
}

/// Shape, type and patient-space geometry of a volume (spacing/origin in mm, LPS; direction rows
/// are the row, column and slice axes).
public struct VolumeHeader: Sendable, Codable, Equatable {
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var shape: [Int]
    public var dtype: String
    public var byteOrder: String
    public var order: String
    public var spacing: [Double]
    public var origin: [Double]
    public var direction: [[Double]]
    public var uniformSpacing: Bool
    public var sliceLocations: [Double]
    public var rescaled: Bool
    public var units: String?
    public var modality: String?
    public var sopInstanceUIDs: [String]
    public var bytes: Int
    public var data: String
}
