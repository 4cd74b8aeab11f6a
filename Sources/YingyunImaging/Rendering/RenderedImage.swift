/// A picture ready for display or encoding: grey or RGB, rows top to bottom; 8 bits per sample,
/// or 16 for grey when asked (the same display values with 257 times finer steps, for viewers
/// and AI pipelines that window again and should not inherit 8-bit banding).
public struct RenderedImage: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// 1 (grey) or 3 (RGB).
    public var components: Int
    /// 8-bit samples; empty when `pixels16` holds the image.
    public var pixels: [UInt8]
    /// 16-bit grey samples (0...65535); empty for an 8-bit image.
    public var pixels16: [UInt16]

    public var bitDepth: Int { pixels16.isEmpty ? 8 : 16 }

    public init(width: Int, height: Int, components: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.components = components
        self.pixels = pixels
        self.pixels16 = []
    }

    public init(width: Int, height: Int, grey16: [UInt16]) {
        self.width = width
        self.height = height
        self.components = 1
        self.pixels = []
        self.pixels16 = grey16
    }
}
