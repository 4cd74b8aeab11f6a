public import YingyunCatalog
public import YingyunStore

/// Turns one stored instance into an image (decode, LUTs, resize, encode). The imaging module
/// provides the real one; the archive only stores and serves what it produces.
public protocol InstanceRenderer: Sendable {
    /// Changes whenever the same input would give different pixels, so that derived images of
    /// an older renderer are not served (the version is part of every derived key).
    var version: String { get }
    func render(_ object: any BlobReader, instance: StoredInstance, parameters: RenderParameters) throws -> EncodedImage
}

/// Why an instance has no rendering: not an image, or pixels this renderer cannot decode.
public struct RenderingUnavailable: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
