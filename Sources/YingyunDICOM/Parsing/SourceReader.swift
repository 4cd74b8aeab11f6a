import NIOCore

/// A cursor over a `ByteSource` that keeps one window of bytes in memory.
///
/// The parser asks `ensure(n)` before reading n bytes at `position`; only then is the source
/// touched. Values that are skipped (bulk data, pixel data) never enter the window.
struct SourceReader {
    let source: any ByteSource
    /// Total size of the source.
    let end: Int
    private(set) var window: ByteBuffer
    /// Absolute offset of `window`'s first readable byte.
    private(set) var windowStart: Int
    /// Absolute offset of the next byte to read.
    var position: Int
    /// Bytes read per refill: starts small (a header is a few KB) and doubles up to 1 MiB, so a
    /// header-only parse reads little and a long header still needs few reads.
    private var chunkSize: Int

    init(source: any ByteSource, position: Int = 0, chunkSize: Int = 8 * 1024) {
        self.source = source
        self.end = source.size
        self.position = position
        self.chunkSize = chunkSize
        self.windowStart = 0
        // An in-memory source is one window: slicing it is free.
        if let memory = source as? BufferByteSource {
            self.window = memory.buffer
        } else {
            self.window = ByteBuffer()
            self.windowStart = position
        }
    }

    var remaining: Int { end - position }

    /// Makes `n` bytes from `position` available in the window; false when the source ends first.
    @inline(__always)
    mutating func ensure(_ n: Int) throws -> Bool {
        let rel = position - windowStart
        if rel >= 0 && rel + n <= window.readableBytes { return true }
        return try refill(n)
    }

    private mutating func refill(_ n: Int) throws -> Bool {
        if n > end - position || position < 0 { return false }
        window = try source.bytes(at: position, count: max(n, chunkSize))
        windowStart = position
        chunkSize = min(chunkSize * 2, 1 << 20)
        return window.readableBytes >= n
    }

    /// Absolute index into `window` storage for an absolute source offset inside the window.
    @inline(__always)
    func index(_ absolute: Int) -> Int { window.readerIndex + (absolute - windowStart) }

    @inline(__always)
    func u16(at absolute: Int, littleEndian: Bool) -> UInt16 {
        window.getInteger(at: index(absolute), endianness: littleEndian ? .little : .big, as: UInt16.self) ?? 0
    }

    @inline(__always)
    func u32(at absolute: Int, littleEndian: Bool) -> UInt32 {
        window.getInteger(at: index(absolute), endianness: littleEndian ? .little : .big, as: UInt32.self) ?? 0
    }

    @inline(__always)
    func byte(at absolute: Int) -> UInt8 {
        window.getInteger(at: index(absolute), as: UInt8.self) ?? 0
    }

    /// A zero-copy slice of `count` bytes at `position` (the caller has `ensure`d them).
    @inline(__always)
    func slice(count: Int) -> ByteBuffer {
        window.getSlice(at: index(position), length: count) ?? ByteBuffer()
    }

    /// Reads `count` bytes at `position` into a buffer and advances, refilling as needed.
    mutating func read(count: Int) throws -> ByteBuffer? {
        guard try ensure(count) else { return nil }
        let b = slice(count: count)
        position += count
        return b
    }
}
