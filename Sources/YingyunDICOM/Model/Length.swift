/// A value length field (PS3.5 §7.1). `0xFFFFFFFF` means undefined length.
public struct Length: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    @inline(__always)
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// Undefined length (PS3.5 §7.1.1): the value ends at a delimitation item.
    public static let undefined = Length(0xFFFF_FFFF)

    public var isUndefined: Bool { rawValue == 0xFFFF_FFFF }

    public var description: String { isUndefined ? "u/l" : String(rawValue) }
}
