/// Reading the generated text tables (Dictionary/Generated/*.swift).
///
/// The tables are kept as string literals rather than Swift array literals because the type
/// checker is slow on thousands of struct literals; they are parsed once, at first use
/// (`static let` initialisation is lazy and thread-safe). The row format is described in
/// tools/gen-dictionary/generate.py.
enum GeneratedTable {
    /// Calls `row` with the TAB-separated field ranges of every non-empty line of `text`.
    static func forEachRow(
        of text: StaticString,
        _ row: (_ bytes: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>]) -> Void
    ) {
        text.withUTF8Buffer { bytes in
            var fields: [Range<Int>] = []
            fields.reserveCapacity(8)
            var lineStart = 0
            var fieldStart = 0
            var i = 0
            while i <= bytes.count {
                let b: UInt8 = i < bytes.count ? bytes[i] : UInt8(ascii: "\n")
                if b == UInt8(ascii: "\t") {
                    fields.append(fieldStart..<i)
                    fieldStart = i + 1
                } else if b == UInt8(ascii: "\n") {
                    if i > lineStart {
                        fields.append(fieldStart..<i)
                        row(bytes, fields)
                    }
                    fields.removeAll(keepingCapacity: true)
                    lineStart = i + 1
                    fieldStart = i + 1
                }
                i += 1
            }
        }
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// `60xx3000` → mask 0xFF00FFFF, value 0x60003000: a tag matches when `tag & mask == value`.
    static func maskedKey(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> MaskedKey? {
        guard range.count == 8 else { return nil }
        var mask: UInt32 = 0
        var value: UInt32 = 0
        for i in range {
            let c = bytes[i]
            let nibble: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt32(c &- UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt32(c &- UInt8(ascii: "A") &+ 10)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt32(c &- UInt8(ascii: "a") &+ 10)
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                mask <<= 4
                value <<= 4
                continue
            default: return nil
            }
            mask = mask << 4 | 0xF
            value = value << 4 | nibble
        }
        return MaskedKey(mask: mask, value: value)
    }
}

/// A generated-table key: a tag matches when `tag.rawValue & mask == value`.
struct MaskedKey: Hashable, Sendable {
    var mask: UInt32
    var value: UInt32
}

/// Parses "OB/OW" into `[.OB, .OW]`, sharing one array per distinct VR list so that thousands
/// of entries hold a handful of arrays.
struct VRListCache {
    private var lists: [UInt64: [VR]] = [:]

    mutating func vrs(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [VR] {
        var packed: UInt64 = 0
        for i in range.prefix(8) { packed = packed << 8 | UInt64(bytes[i]) }
        if range.count <= 8, let cached = lists[packed] { return cached }
        var out: [VR] = []
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            if let vr = VR(byte0: bytes[i], byte1: bytes[i + 1]) { out.append(vr) }
            i += 3  // two letters and a "/"
        }
        if range.count <= 8 { lists[packed] = out }
        return out
    }
}

/// Hash maps from masked tags to entry indices; exact keys first, then wider masks (repeating
/// groups such as 60xx, private blocks such as 0029xx10), most specific first.
struct TagIndex: Sendable {
    struct MaskedMap: Sendable {
        var mask: UInt32
        var indices: TagHashMap
    }

    let maps: [MaskedMap]

    init(_ byMask: [UInt32: [UInt32: Int32]]) {
        var maps = byMask.map { MaskedMap(mask: $0.key, indices: TagHashMap($0.value)) }
        maps.sort { a, b in
            a.mask.nonzeroBitCount != b.mask.nonzeroBitCount
                ? a.mask.nonzeroBitCount > b.mask.nonzeroBitCount : a.mask > b.mask
        }
        self.maps = maps
    }

    @inline(__always)
    func index(of tag: Tag) -> Int? {
        for map in maps {
            if let i = map.indices[tag.rawValue & map.mask] { return Int(i) }
        }
        return nil
    }
}

/// Collects keys for a `TagIndex`; the first entry for a key wins.
struct TagIndexBuilder {
    private(set) var byMask: [UInt32: [UInt32: Int32]] = [:]

    mutating func insert(_ key: MaskedKey, index: Int) {
        if byMask[key.mask, default: [:]][key.value] == nil {
            byMask[key.mask, default: [:]][key.value] = Int32(index)
        }
    }

    func build() -> TagIndex { TagIndex(byMask) }
}

/// An immutable open-addressing hash map from 32-bit tags to entry indices.
///
/// The implicit-VR parser looks up every element, so this avoids `Dictionary`'s seeded SipHash:
/// Fibonacci hashing of the tag and linear probing over one array of `key << 32 | value` slots
/// (load factor ≤ 1/2), with no allocation or reference counting per look-up.
struct TagHashMap: Sendable {
    private static let empty = UInt64.max
    private let slots: [UInt64]
    private let shift: UInt32
    private let slotMask: Int

    init(_ pairs: [UInt32: Int32]) {
        var bits: UInt32 = 3
        while (1 << bits) < pairs.count * 2 { bits += 1 }
        let count = 1 << Int(bits)
        var slots = [UInt64](repeating: TagHashMap.empty, count: count)
        shift = 32 - bits
        slotMask = count - 1
        for (key, value) in pairs {
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B1) >> shift)
            while slots[i] != TagHashMap.empty { i = (i + 1) & slotMask }
            slots[i] = UInt64(key) << 32 | UInt64(UInt32(bitPattern: value))
        }
        self.slots = slots
    }

    @inline(__always)
    subscript(key: UInt32) -> Int32? {
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B1) >> shift)
        while true {
            let slot = slots[i]
            if slot == TagHashMap.empty { return nil }
            if UInt32(truncatingIfNeeded: slot >> 32) == key { return Int32(truncatingIfNeeded: slot) }
            i = (i + 1) & slotMask
        }
    }
}
