import Foundation

/// The test twin of `FileDerivedStore`; counts writes so tests can see what was rendered.
public final class InMemoryDerivedStore: DerivedStore, @unchecked Sendable {
    private let lock = NSLock()
    private var images: [DerivedKey: EncodedImage] = [:]
    private var writes = 0

    public init() {}

    public func get(_ key: DerivedKey) throws -> EncodedImage? { lock.withLock { images[key] } }

    public func put(_ key: DerivedKey, _ image: EncodedImage) throws {
        lock.withLock {
            images[key] = image
            writes += 1
        }
    }

    public var count: Int { lock.withLock { images.count } }
    public var writeCount: Int { lock.withLock { writes } }
}
