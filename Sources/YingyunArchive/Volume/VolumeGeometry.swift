/// How the slices of a series make one volume (PS3.3 C.7.6.2.1.1): each slice's position is its
/// Image Position (Patient) projected on the normal of the Image Orientation (Patient) plane;
/// slices are ordered along the normal, not by InstanceNumber or arrival.
public struct VolumeGeometry: Sendable, Equatable {
    /// What one slice says about where it is.
    public struct Slice: Sendable, Equatable {
        public var position: [Double]      // (0020,0032), mm, patient LPS
        public var orientation: [Double]   // (0020,0037): row direction cosines, then column
        public var pixelSpacing: [Double]  // (0028,0030): between rows, between columns
        public var rows: Int
        public var columns: Int
        public init(position: [Double], orientation: [Double], pixelSpacing: [Double], rows: Int, columns: Int) {
            self.position = position
            self.orientation = orientation
            self.pixelSpacing = pixelSpacing
            self.rows = rows
            self.columns = columns
        }
    }

    /// Slice indices (into the input) in volume order, first slice at the origin.
    public var order: [Int]
    /// Slices, rows, columns.
    public var shape: [Int]
    /// Between slices (median gap), between rows, between columns, in mm.
    public var spacing: [Double]
    /// Image Position (Patient) of the first slice.
    public var origin: [Double]
    /// Row direction, column direction, slice normal (unit vectors in patient coordinates).
    public var direction: [[Double]]
    /// Whether every gap between slices is within 1% (and 0.01 mm) of the median.
    public var uniformSpacing: Bool
    /// Each slice's position along the normal, in volume order (mm).
    public var sliceLocations: [Double]

    public init(_ slices: [Slice]) throws(VolumeError) {
        guard let first = slices.first else { throw VolumeError("the series holds no image") }
        for s in slices {
            guard s.position.count == 3, s.orientation.count == 6, s.pixelSpacing.count == 2 else {
                throw VolumeError("every slice needs Image Position (Patient), Image Orientation (Patient) and Pixel Spacing")
            }
            guard s.rows == first.rows, s.columns == first.columns else {
                throw VolumeError("slices differ in size (\(s.rows)x\(s.columns) and \(first.rows)x\(first.columns))")
            }
            guard zip(s.orientation, first.orientation).allSatisfy({ abs($0 - $1) < 1e-4 }) else {
                throw VolumeError("slices differ in orientation: not one volume")
            }
            guard zip(s.pixelSpacing, first.pixelSpacing).allSatisfy({ abs($0 - $1) < 1e-4 }) else {
                throw VolumeError("slices differ in pixel spacing")
            }
        }
        let row = Self.unit(Array(first.orientation[0..<3]))
        let column = Self.unit(Array(first.orientation[3..<6]))
        let normal = Self.unit(Self.cross(row, column))
        guard normal.contains(where: { $0 != 0 }) else { throw VolumeError("Image Orientation (Patient) is degenerate") }
        let location = slices.map { Self.dot($0.position, normal) }
        order = location.indices.sorted { location[$0] < location[$1] }
        sliceLocations = order.map { location[$0] }
        let gaps = zip(sliceLocations.dropFirst(), sliceLocations).map { $0 - $1 }
        if gaps.contains(where: { $0 < 1e-3 }) { throw VolumeError("two slices share a position: not one volume") }
        let median = gaps.isEmpty ? 0 : gaps.sorted()[gaps.count / 2]
        uniformSpacing = gaps.allSatisfy { abs($0 - median) <= max(0.01, median * 0.01) }
        shape = [slices.count, first.rows, first.columns]
        spacing = [median, first.pixelSpacing[0], first.pixelSpacing[1]]
        origin = slices[order[0]].position
        direction = [row, column, normal]
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    static func cross(_ a: [Double], _ b: [Double]) -> [Double] {
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    }
    static func unit(_ v: [Double]) -> [Double] {
        let n = dot(v, v).squareRoot()
        return n == 0 ? v : v.map { $0 / n }
    }
}

/// Why a series cannot be delivered as one volume.
public struct VolumeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
