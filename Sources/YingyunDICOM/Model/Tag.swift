/// A DICOM data element tag (group, element), PS3.5 §7.1.1.
///
/// Stored as one `UInt32` (`group << 16 | element`) so tags sort in the order PS3.5 §7.1
/// requires data elements to appear.
public struct Tag: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    @inline(__always)
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    @inline(__always)
    public init(_ group: UInt16, _ element: UInt16) {
        self.rawValue = UInt32(group) << 16 | UInt32(element)
    }

    public var group: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 16) }
    public var element: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// Odd groups other than 1, 3, 5, 7 and FFFF are private (PS3.5 §7.8).
    public var isPrivate: Bool {
        let g = group
        return g & 1 == 1 && g > 0x0007 && g != 0xFFFF
    }

    /// (gggg,0010-00FF) in a private group reserves a block for a private creator (PS3.5 §7.8.1).
    public var isPrivateCreator: Bool { isPrivate && element >= 0x0010 && element <= 0x00FF }

    /// For a private data element (gggg,xxee), the tag of the creator that reserved block xx.
    public var privateCreatorTag: Tag? {
        guard isPrivate, element > 0x00FF else { return nil }
        return Tag(group, element >> 8)
    }

    /// Group length elements (gggg,0000), PS3.5 §7.2.
    public var isGroupLength: Bool { element == 0 }

    /// The item and delimitation tags of group FFFE (PS3.5 §7.5).
    public var isItemOrDelimiter: Bool { group == 0xFFFE }

    /// `(0010,0010)`, as dcmdump and PS3.6 print it.
    public var description: String {
        "(" + Tag.hex4(group) + "," + Tag.hex4(element) + ")"
    }

    /// `00100010`, the DICOM JSON attribute key (PS3.18 §F.2.1.1).
    public var jsonKey: String { Tag.hex4(group) + Tag.hex4(element) }

    @inline(__always)
    public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.rawValue < rhs.rawValue }

    static func hex4(_ v: UInt16) -> String {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out = [UInt8](repeating: 0, count: 4)
        out[0] = digits[Int(v >> 12 & 0xF)]
        out[1] = digits[Int(v >> 8 & 0xF)]
        out[2] = digits[Int(v >> 4 & 0xF)]
        out[3] = digits[Int(v & 0xF)]
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `00100010`, `0010,0010` or `(0010,0010)`.
    public init?(parsing text: String) {
        var hex = text.filter { $0 != "(" && $0 != ")" && $0 != "," }
        if hex.count != 8 { return nil }
        hex = hex.uppercased()
        guard let v = UInt32(hex, radix: 16) else { return nil }
        self.rawValue = v
    }
}

extension Tag {
    /// (FFFE,E000) Item.
    public static let item = Tag(0xFFFE, 0xE000)
    /// (FFFE,E00D) Item Delimitation Item.
    public static let itemDelimitationItem = Tag(0xFFFE, 0xE00D)
    /// (FFFE,E0DD) Sequence Delimitation Item.
    public static let sequenceDelimitationItem = Tag(0xFFFE, 0xE0DD)
}
