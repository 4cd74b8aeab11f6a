public import NIOCore

/// Random-access, read-only bytes the parser reads from: a buffer in memory, a file, a blob.
///
/// The parser asks only for small windows, so a file-backed source never has to hold the file.
public protocol ByteSource: Sendable {
    /// Total size in bytes.
    var size: Int { get }
    /// Up to `count` bytes starting at `offset`; fewer only at the end of the source.
    /// - Throws: when the underlying storage fails.
    func bytes(at offset: Int, count: Int) throws -> ByteBuffer
}

/// A `ByteSource` over a buffer already in memory; slices share its storage.
public struct BufferByteSource: ByteSource {
    public let buffer: ByteBuffer

    public init(_ buffer: ByteBuffer) { self.buffer = buffer }
    public init(_ bytes: [UInt8]) { self.buffer = ByteBuffer(bytes: bytes) }

    public var size: Int { buffer.readableBytes }

    public func bytes(at offset: Int, count: Int) throws -> ByteBuffer {
        let start = max(0, min(offset, size))
        let n = max(0, min(count, size - start))
        return buffer.getSlice(at: buffer.readerIndex + start, length: n) ?? ByteBuffer()
    }
}
