import NIOCore

/// Collects encoded bytes and hands them to the caller's sink in chunks of at most `chunkSize`
/// bytes, so a writer never holds more than one chunk of a (possibly huge) file.
///
/// Small writes (headers, short values) are copied into the current chunk; large values are cut
/// into chunk-sized slices that go to the sink without a copy.
struct ChunkedOutput {
    let chunkSize: Int
    private let sink: (ByteBuffer) throws -> Void
    private var buffer: ByteBuffer
    /// Bytes handed to the sink or waiting in the current chunk.
    private(set) var count: Int = 0

    /// Capacity a fresh chunk buffer starts with.
    private let initialCapacity: Int

    /// - Parameter initialCapacity: what a chunk buffer reserves when it is first written to;
    ///   by default min(chunkSize, 64 KiB). A caller that knows the total length passes it, so a
    ///   small data set costs one allocation of its own size rather than 64 KiB.
    init(chunkSize: Int, initialCapacity: Int? = nil, sink: @escaping (ByteBuffer) throws -> Void) {
        self.chunkSize = chunkSize
        self.sink = sink
        self.initialCapacity = max(1, min(initialCapacity ?? 64 * 1024, chunkSize))
        self.buffer = ByteBuffer()
    }

    /// Sends the pending bytes, if any, to the sink.
    mutating func flush() throws {
        guard buffer.readableBytes > 0 else { return }
        let chunk = buffer
        // A fresh buffer (reserved on its first write): the sink may keep `chunk`, and clearing a
        // shared buffer would copy it anyway.
        buffer = ByteBuffer()
        try sink(chunk)
    }

    /// Makes room for `n` bytes written as one piece (n ≤ chunkSize).
    @inline(__always)
    private mutating func reserve(_ n: Int) throws {
        if buffer.readableBytes + n > chunkSize { try flush() }
        if buffer.capacity == 0 { buffer.reserveCapacity(initialCapacity) }
    }

    mutating func writeUInt16(_ v: UInt16) throws {
        try reserve(2)
        buffer.writeInteger(v, endianness: .little)
        count += 2
    }

    mutating func writeUInt32(_ v: UInt32) throws {
        try reserve(4)
        buffer.writeInteger(v, endianness: .little)
        count += 4
    }

    /// Writes a tag as two little-endian 16-bit numbers (PS3.5 §7.1.1).
    mutating func writeTag(_ tag: Tag) throws {
        try reserve(4)
        buffer.writeInteger(tag.group, endianness: .little)
        buffer.writeInteger(tag.element, endianness: .little)
        count += 4
    }

    mutating func writeByte(_ b: UInt8, repeating n: Int = 1) throws {
        var left = n
        while left > 0 {
            if buffer.readableBytes >= chunkSize { try flush() }
            if buffer.capacity == 0 { buffer.reserveCapacity(initialCapacity) }
            let k = min(left, chunkSize - buffer.readableBytes)
            buffer.writeRepeatingByte(b, count: k)
            left -= k
        }
        count += n
    }

    mutating func writeBytes(_ bytes: some Collection<UInt8>) throws {
        try reserve(bytes.count)
        buffer.writeBytes(bytes)
        count += bytes.count
    }

    /// Writes any number of bytes: fills the current chunk, passes whole chunks through as slices.
    mutating func write(_ value: ByteBuffer) throws {
        var rest = value
        count += rest.readableBytes
        while rest.readableBytes > 0 {
            let space = chunkSize - buffer.readableBytes
            if buffer.readableBytes == 0 && rest.readableBytes >= chunkSize {
                // A whole chunk straight from the value: no copy.
                if let slice = rest.readSlice(length: chunkSize) { try sink(slice) }
                continue
            }
            if space == 0 {
                try flush()
                continue
            }
            var piece = rest.readSlice(length: min(space, rest.readableBytes)) ?? ByteBuffer()
            if buffer.capacity == 0 { buffer.reserveCapacity(initialCapacity) }
            buffer.writeBuffer(&piece)
            if buffer.readableBytes >= chunkSize { try flush() }
        }
    }
}
