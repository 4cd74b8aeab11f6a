import Testing

@testable import YingyunCatalog

@Suite struct FrameTableTests {
    @Test func roundTripsNativeAndEncapsulatedFrames() {
        let frames: [[Range<Int>]] = [[100..<200], [200..<300, 310..<400], []]
        let blob = FrameTable.encode(frames)
        #expect(blob.count == 1 + 4 + (4 + 16) + (4 + 32) + 4)
        #expect(FrameTable.decode(blob) == frames)
        #expect(FrameTable.decode(FrameTable.encode([])) == [])
    }

    @Test func rejectsTruncatedBlobs() {
        let blob = FrameTable.encode([[0..<10, 10..<20]])
        #expect(FrameTable.decode(blob.dropLast(3)) == nil)
    }
}
