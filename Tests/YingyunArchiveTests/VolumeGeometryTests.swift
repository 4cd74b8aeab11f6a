import Testing
import YingyunArchive

/// Slice order, spacing and the refusals of `VolumeGeometry`, on hand-made slices.
@Suite struct VolumeGeometryTests {
    static func slice(z: Double, orientation: [Double] = [1, 0, 0, 0, 1, 0], rows: Int = 4) -> VolumeGeometry.Slice {
        .init(position: [-10, -20, z], orientation: orientation, pixelSpacing: [0.5, 0.25], rows: rows, columns: 3)
    }

    @Test func ordersAlongTheNormalNotByInput() throws {
        let g = try VolumeGeometry([Self.slice(z: 5), Self.slice(z: -2.5), Self.slice(z: 0), Self.slice(z: 2.5)])
        #expect(g.order == [1, 2, 3, 0])
        #expect(g.shape == [4, 4, 3])
        #expect(g.spacing == [2.5, 0.5, 0.25])
        #expect(g.origin == [-10, -20, -2.5])
        #expect(g.direction == [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
        #expect(g.uniformSpacing)
        #expect(g.sliceLocations == [-2.5, 0, 2.5, 5])
    }

    @Test func feetFirstNormalReversesTheOrder() throws {
        // Row x, column −y: the normal points to −z, so the highest z comes first.
        let o: [Double] = [1, 0, 0, 0, -1, 0]
        let g = try VolumeGeometry([Self.slice(z: 0, orientation: o), Self.slice(z: 3, orientation: o)])
        #expect(g.order == [1, 0])
        #expect(g.direction[2] == [0, 0, -1])
    }

    @Test func gapsAreReportedNotHidden() throws {
        let g = try VolumeGeometry([Self.slice(z: 0), Self.slice(z: 1), Self.slice(z: 2), Self.slice(z: 5)])
        #expect(!g.uniformSpacing)
        #expect(g.spacing[0] == 1)
    }

    @Test func refusesWhatIsNotOneVolume() {
        #expect(throws: VolumeError.self) { try VolumeGeometry([]) }
        #expect(throws: VolumeError.self) { try VolumeGeometry([Self.slice(z: 0), Self.slice(z: 0)]) }
        #expect(throws: VolumeError.self) {
            try VolumeGeometry([Self.slice(z: 0), Self.slice(z: 1, orientation: [1, 0, 0, 0, 0.8, 0.6])])
        }
        #expect(throws: VolumeError.self) { try VolumeGeometry([Self.slice(z: 0), Self.slice(z: 1, rows: 5)]) }
        #expect(throws: VolumeError.self) {
            try VolumeGeometry([.init(position: [0, 0], orientation: [1, 0, 0, 0, 1, 0], pixelSpacing: [1, 1], rows: 1, columns: 1)])
        }
    }
}
