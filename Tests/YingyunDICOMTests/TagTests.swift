import Testing

@testable import YingyunDICOM

@Suite struct TagTests {
    @Test func formatsAndOrders() {
        #expect(Tag(0x0010, 0x0010).description == "(0010,0010)")
        #expect(Tag(0x0008, 0x0005) < Tag(0x0010, 0x0010))
        #expect(Tag(0x0009, 0x1010).privateCreatorTag == Tag(0x0009, 0x0010))
        #expect(Tag(parsing: "7FE00010") == Tag.pixelData)
    }
}
