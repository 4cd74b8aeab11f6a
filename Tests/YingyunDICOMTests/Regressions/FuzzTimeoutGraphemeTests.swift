import NIOCore
import Testing

@testable import YingyunDICOM

/// Found by tools/fuzz in its first minute: splitting and trimming text by Character is quadratic
/// when a value is a long run of regional-indicator scalars (grapheme breaking looks back).
@Suite struct FuzzTimeoutGraphemeTests {
    @Test func longRegionalIndicatorRunsDecodeInLinearTime() {
        let flag: [UInt8] = [0xF0, 0x9F, 0x87, 0xA8]  // U+1F1E8 REGIONAL INDICATOR C
        var bytes: [UInt8] = []
        for _ in 0..<20_000 { bytes += flag }
        bytes += Array("\\  X  ".utf8)
        let e = DataElement(tag: Tag(0x0010, 0x4000), vr: .LO, bytes: ByteBuffer(bytes: bytes))
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let values = e.stringValues(characterSet: SpecificCharacterSet(terms: ["ISO_IR 192"]))
            #expect(values.count == 2)
            #expect(values.last == "X")
        }
        // Linear work is a few milliseconds even in a debug build; the quadratic path took seconds.
        #expect(elapsed < .seconds(2))
    }
}
