/// An 8-bit picture ready for display or encoding: grey or RGB, rows top to bottom.
public struct RenderedImage: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// 1 (grey) or 3 (RGB).
    public var components: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, components: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.components = components
        self.pixels = pixels
    }
}
