/// SHA-256 of an object's exact bytes: its name in the store.
public struct BlobDigest: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Lower-case hexadecimal, 64 characters.
    public let hex: String

    /// - Returns: nil unless `hex` is 64 hexadecimal digits (upper case is folded).
    public init?(hex: String) {
        let lower = hex.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            return nil
        }
        self.hex = lower
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "SHA-256 digests are 32 bytes")
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        self.hex = String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }
    public static func < (a: BlobDigest, b: BlobDigest) -> Bool { a.hex < b.hex }
}
