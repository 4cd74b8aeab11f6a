public import YingyunStore

/// Where a derived image lives: SHA-256 of (source object digest, renderer version, parameters).
/// Content addressing makes invalidation unnecessary — new source bytes or a new renderer give a
/// new key — and the key doubles as the image's ETag.
public struct DerivedKey: Sendable, Hashable, CustomStringConvertible {
    public let digest: BlobDigest
    /// The image format the parameters asked for (nil for keys made some other way).
    public let format: RenderParameters.Format?

    public init(source: String, rendererVersion: String, parameters: RenderParameters) {
        format = parameters.format
        let text = "yingyun-derived-v1\n\(source)\n\(rendererVersion)\n\(parameters.canonical)\n"
        var bytes = Array(text.utf8)
        let hasher = SHA256Hasher()
        bytes.withUnsafeMutableBytes { hasher.update(UnsafeRawBufferPointer($0)) }
        digest = hasher.finalize()
    }

    public var hex: String { digest.hex }
    public var description: String { hex }
}
