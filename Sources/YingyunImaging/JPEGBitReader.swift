/// Reads the entropy-coded segment of a JPEG scan bit by bit, removing stuffed zero bytes
/// (FF 00 → FF) and stopping at markers (ISO 10918-1 §F.1.2.3, §B.1.1.5).
struct JPEGBitReader {
    let data: UnsafeBufferPointer<UInt8>
    var position: Int
    private var buffer: UInt64 = 0
    private var bitCount = 0
    /// Bits fed as zeros after a marker or the end: a few are normal look-ahead, more mean truncation.
    private(set) var paddedBits = 0

    init(_ data: UnsafeBufferPointer<UInt8>, position: Int) {
        self.data = data
        self.position = position
    }

    @inline(__always)
    private mutating func fill() {
        while bitCount <= 56 {
            var byte: UInt8 = 0
            if position < data.count {
                byte = data[position]
                if byte == 0xFF {
                    let next = position + 1 < data.count ? data[position + 1] : 0xD9
                    if next == 0x00 {
                        position += 2
                    } else {
                        // A marker: leave it for the caller, feed zeros.
                        byte = 0
                        paddedBits += 8
                    }
                } else {
                    position += 1
                }
            } else {
                paddedBits += 8
            }
            buffer |= UInt64(byte) << UInt64(56 - bitCount)
            bitCount += 8
        }
    }

    /// The next 8 bits without consuming them.
    @inline(__always)
    mutating func peek8() -> Int {
        if bitCount < 8 { fill() }
        return Int(buffer >> 56)
    }

    @inline(__always)
    mutating func skip(_ n: Int) {
        buffer <<= UInt64(n)
        bitCount -= n
    }

    @inline(__always)
    mutating func bits(_ n: Int) -> Int {
        if n == 0 { return 0 }
        if bitCount < n { fill() }
        let v = Int(buffer >> UInt64(64 - n))
        skip(n)
        return v
    }

    /// Zero bits consumed beyond the real data (padding sits at the tail of the buffer). A valid
    /// scan never needs them: encoders fill its last byte with 1-bits.
    var overrunBits: Int { paddedBits - min(bitCount, paddedBits) }

    /// Discards buffered bits and moves to the next marker (for restart intervals).
    mutating func alignToMarker() -> UInt8? {
        buffer = 0
        bitCount = 0
        paddedBits = 0
        while position + 1 < data.count {
            if data[position] == 0xFF && data[position + 1] != 0 && data[position + 1] != 0xFF {
                let m = data[position + 1]
                position += 2
                return m
            }
            position += 1
        }
        return nil
    }

    /// Decodes one Huffman-coded value (§F.2.2.3).
    @inline(__always)
    mutating func decode(_ table: JPEGHuffmanTable) throws -> Int {
        let p = peek8()
        let length = Int(table.fastLength[p])
        if length > 0 {
            skip(length)
            return Int(table.fastValue[p])
        }
        var code = Int32(bits(1))
        var l = 1
        while code > table.maxCode[l] {
            code = code << 1 | Int32(bits(1))
            l += 1
            if l > 16 { throw ImagingError(.corruptCodestream, "JPEG Huffman code longer than 16 bits") }
        }
        let index = Int(code + table.valueOffset[l])
        guard index >= 0, index < table.values.count else {
            throw ImagingError(.corruptCodestream, "JPEG Huffman code outside its table")
        }
        return Int(table.values[index])
    }
}
