/// Rendered images and thumbnails kept beside the originals. They can always be made again, so
/// a lost or damaged one is only a cache miss.
public protocol DerivedStore: Sendable {
    func get(_ key: DerivedKey) throws -> EncodedImage?
    func put(_ key: DerivedKey, _ image: EncodedImage) throws
}
