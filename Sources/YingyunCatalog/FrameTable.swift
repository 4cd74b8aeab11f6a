import Foundation

/// The compact BLOB form of an instance's frame byte ranges (`InstanceRecord.frames`).
///
/// Layout, all little endian: format byte (1), frame count (UInt32), then per frame its range
/// count (UInt32) followed by (lowerBound, upperBound) as Int64 pairs. Native pixel data has one
/// range per frame; encapsulated data one per fragment. Kept binary so a 2,000-frame object costs
/// ~40 KB and decodes without parsing text.
enum FrameTable {
    static let formatVersion: UInt8 = 1

    static func encode(_ frames: [[Range<Int>]]) -> Data {
        var count = 5
        for f in frames { count += 4 + 16 * f.count }
        var out = [UInt8]()
        out.reserveCapacity(count)
        out.append(formatVersion)
        append(UInt32(frames.count), to: &out)
        for frame in frames {
            append(UInt32(frame.count), to: &out)
            for r in frame {
                append(UInt64(bitPattern: Int64(r.lowerBound)), to: &out)
                append(UInt64(bitPattern: Int64(r.upperBound)), to: &out)
            }
        }
        return Data(out)
    }

    /// Decodes a BLOB written by `encode`; nil when it is malformed (never trusted blindly).
    static func decode(_ data: Data) -> [[Range<Int>]]? {
        if data.isEmpty { return [] }
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [[Range<Int>]]? in
            var p = 0
            func u32() -> UInt32? {
                guard p + 4 <= raw.count else { return nil }
                defer { p += 4 }
                return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt32.self))
            }
            func i64() -> Int64? {
                guard p + 8 <= raw.count else { return nil }
                defer { p += 8 }
                return Int64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: Int64.self))
            }
            guard raw[0] == formatVersion else { return nil }
            p = 1
            guard let frameCount = u32(), Int(frameCount) <= raw.count else { return nil }
            var frames = [[Range<Int>]]()
            frames.reserveCapacity(Int(frameCount))
            for _ in 0..<frameCount {
                guard let n = u32(), Int(n) * 16 <= raw.count - p else { return nil }
                var ranges = [Range<Int>]()
                ranges.reserveCapacity(Int(n))
                for _ in 0..<n {
                    guard let lo = i64(), let hi = i64(), lo <= hi else { return nil }
                    ranges.append(Int(lo)..<Int(hi))
                }
                frames.append(ranges)
            }
            return p == raw.count ? frames : nil
        }
    }

    private static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
}
