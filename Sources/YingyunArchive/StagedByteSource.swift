public import NIOCore
public import YingyunDICOM
public import YingyunStore

/// The bytes written so far to a blob writer, as a parser source: the header is parsed from the
/// staged temp file, so an upload is never held in memory.
public struct StagedByteSource: ByteSource, @unchecked Sendable {
    // @unchecked: the writer is used by one ingest task at a time; the parser reads after writing ended.
    let writer: any BlobWriter
    public let size: Int

    public init(writer: any BlobWriter) {
        self.writer = writer
        self.size = writer.bytesWritten
    }

    public func bytes(at offset: Int, count: Int) throws -> ByteBuffer {
        let n = max(0, min(count, size - offset))
        return try writer.readStaged(at: offset, count: n)
    }
}

/// A stored blob as a parser source (re-indexing at recovery, verify, transcoding).
public struct BlobByteSource: ByteSource {
    let reader: any BlobReader
    public var size: Int { reader.size }

    public init(reader: any BlobReader) { self.reader = reader }

    public func bytes(at offset: Int, count: Int) throws -> ByteBuffer {
        let n = max(0, min(count, size - offset))
        return try reader.read(at: offset, count: n)
    }
}
