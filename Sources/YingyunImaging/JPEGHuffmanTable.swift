/// A Huffman table from a DHT marker (ISO 10918-1 §B.2.4.2, Annex C), with an 8-bit look-ahead
/// table for the common short codes and the maxcode/valptr walk of §F.2.2.3 for the rest.
struct JPEGHuffmanTable: Sendable {
    /// For each 8-bit prefix: code length (0 = longer than 8 bits) and value.
    var fastLength = [UInt8](repeating: 0, count: 256)
    var fastValue = [UInt8](repeating: 0, count: 256)
    var maxCode = [Int32](repeating: -1, count: 18)
    var valueOffset = [Int32](repeating: 0, count: 18)
    var values: [UInt8] = []

    /// Builds the canonical codes from the 16 code-length counts and the values.
    /// - Throws: when the counts describe more codes than fit in 16 bits.
    init(counts: [Int], values: [UInt8]) throws {
        self.values = values
        var code: Int32 = 0
        var k = 0
        for length in 1...16 {
            let n = counts[length - 1]
            if n > 0 {
                valueOffset[length] = Int32(k) - code
                for _ in 0..<n {
                    if length <= 8 {
                        let shift = 8 - length
                        let first = Int(code) << shift
                        for fill in 0..<(1 << shift) where first + fill < 256 {
                            fastLength[first + fill] = UInt8(length)
                            fastValue[first + fill] = values[k]
                        }
                    }
                    code += 1
                    k += 1
                }
                maxCode[length] = code - 1
            }
            guard code <= (1 << length) else {
                throw ImagingError(.corruptCodestream, "JPEG Huffman table has too many codes of length \(length)")
            }
            code <<= 1
        }
        maxCode[17] = Int32.max
    }
}
