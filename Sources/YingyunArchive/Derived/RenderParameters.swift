/// What a rendered image or thumbnail is asked for: the PS3.18 §8.3.5 parameters that change
/// the pixels (viewport, window, quality) plus the output format and the frame.
public struct RenderParameters: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case jpeg, png
        public var mediaType: String { self == .jpeg ? "image/jpeg" : "image/png" }
    }

    /// VOI LUT Function (0028,1056) defined terms.
    public enum WindowFunction: String, Sendable, Hashable, CaseIterable {
        case linear = "LINEAR", linearExact = "LINEAR_EXACT", sigmoid = "SIGMOID"
    }

    public struct Window: Sendable, Hashable {
        public var center: Double
        public var width: Double
        public var function: WindowFunction
        public init(center: Double, width: Double, function: WindowFunction = .linear) {
            self.center = center
            self.width = width
            self.function = function
        }
    }

    public var format: Format
    /// 1-based frame number; nil renders the middle frame (what a thumbnail shows).
    public var frame: Int?
    /// The largest width and height the image may have; the aspect ratio is kept. 0 = the
    /// image's own size (a /rendered request without a viewport).
    public var viewportWidth: Int
    public var viewportHeight: Int
    /// nil: the first window in the object, else one computed from its pixels.
    public var window: Window?
    /// JPEG quality 1...100 (ignored for PNG).
    public var quality: Int
    /// 8, or 16 for a 16-bit grey PNG (asked for as `Accept: image/png; bits=16`).
    public var bitDepth: Int = 8

    public static let thumbnailSize = 128

    public init(
        format: Format = .jpeg, frame: Int? = nil, viewportWidth: Int = thumbnailSize,
        viewportHeight: Int = thumbnailSize, window: Window? = nil, quality: Int = 85
    ) {
        self.format = format
        self.frame = frame
        self.viewportWidth = viewportWidth
        self.viewportHeight = viewportHeight
        self.window = window
        self.quality = quality
    }

    /// A stable text form of every field, hashed into the derived-object key.
    public var canonical: String {
        var s = "format=\(format.rawValue);frame=\(frame.map(String.init) ?? "middle");"
        s += "viewport=\(viewportWidth)x\(viewportHeight);"
        if let window { s += "window=\(window.center),\(window.width),\(window.function.rawValue);" } else { s += "window=default;" }
        if format == .jpeg { s += "quality=\(quality);" }
        if bitDepth != 8 { s += "bits=\(bitDepth);" }  // absent for 8: existing keys stay valid
        return s
    }
}

/// An encoded image: JPEG or PNG bytes with their media type.
public struct EncodedImage: Sendable, Hashable {
    public var bytes: [UInt8]
    public var mediaType: String
    public init(bytes: [UInt8], mediaType: String) {
        self.bytes = bytes
        self.mediaType = mediaType
    }
}
