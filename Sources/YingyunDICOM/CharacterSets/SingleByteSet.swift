/// The 8-bit repertoires whose upper half is a 96-character set designated to G1
/// (PS3.3 C.12.1.1.2, Tables C.12-2 and C.12-3): ISO 8859 parts and TIS 620.
enum SingleByteSet: Int, Sendable, Hashable, CaseIterable {
    case isoIR100, isoIR101, isoIR109, isoIR110, isoIR144, isoIR127, isoIR126, isoIR138, isoIR148, isoIR166

    /// The IR number used in the defined terms ("ISO_IR 100", "ISO 2022 IR 100").
    var irNumber: Int {
        switch self {
        case .isoIR100: return 100
        case .isoIR101: return 101
        case .isoIR109: return 109
        case .isoIR110: return 110
        case .isoIR144: return 144
        case .isoIR127: return 127
        case .isoIR126: return 126
        case .isoIR138: return 138
        case .isoIR148: return 148
        case .isoIR166: return 166
        }
    }

    init?(irNumber: Int) {
        guard let set = SingleByteSet.allCases.first(where: { $0.irNumber == irNumber }) else { return nil }
        self = set
    }

    /// Final byte F of the G1 designation escape sequence ESC 02/13 F (PS3.3 Table C.12-3).
    var escapeFinal: UInt8 {
        switch self {
        case .isoIR100: return 0x41  // A
        case .isoIR101: return 0x42  // B
        case .isoIR109: return 0x43  // C
        case .isoIR110: return 0x44  // D
        case .isoIR144: return 0x4C  // L
        case .isoIR127: return 0x47  // G
        case .isoIR126: return 0x46  // F
        case .isoIR138: return 0x48  // H
        case .isoIR148: return 0x4D  // M
        case .isoIR166: return 0x54  // T
        }
    }

    init?(escapeFinal: UInt8) {
        guard let set = SingleByteSet.allCases.first(where: { $0.escapeFinal == escapeFinal }) else { return nil }
        self = set
    }

    /// The iconv name of the full 8-bit code.
    var iconvName: String {
        switch self {
        case .isoIR100: return "ISO-8859-1"
        case .isoIR101: return "ISO-8859-2"
        case .isoIR109: return "ISO-8859-3"
        case .isoIR110: return "ISO-8859-4"
        case .isoIR144: return "ISO-8859-5"
        case .isoIR127: return "ISO-8859-6"
        case .isoIR126: return "ISO-8859-7"
        case .isoIR138: return "ISO-8859-8"
        case .isoIR148: return "ISO-8859-9"
        // TIS 620-2533; ISO 8859-11 is the same set plus NBSP at 0xA0.
        case .isoIR166: return "ISO-8859-11"
        }
    }

    /// Unicode scalar for each byte 0x80...0xFF; 0 marks a byte the set leaves undefined.
    var upperHalf: [UInt16] { SingleByteSet.tables[rawValue] }

    /// Byte for each representable non-ASCII scalar (the inverse of `upperHalf`), for encoding.
    var encodingTable: [UInt16: UInt8] { SingleByteSet.inverseTables[rawValue] }

    /// Built once, lazily and thread-safely (static lets), by asking iconv for each byte: the
    /// facts come from the C library's tables rather than from hand-typed code charts.
    private static let tables: [[UInt16]] = SingleByteSet.allCases.map { set in
        (0x80...0xFF).map { (byte: Int) -> UInt16 in
            var out: [UInt8] = []
            let one: [UInt8] = [UInt8(byte)]
            let errors = one.withUnsafeBytes {
                Iconv.decode($0, from: set.iconvName, stopAtFirstError: true, into: &out)
            }
            guard errors == 0, let scalar = String(decoding: out, as: UTF8.self).unicodeScalars.first,
                scalar.value <= 0xFFFF, out.count > 0
            else {
                // Without iconv (or for a hole) only Latin-1 is known by construction.
                return set == .isoIR100 ? UInt16(byte) : 0
            }
            return UInt16(scalar.value)
        }
    }

    private static let inverseTables: [[UInt16: UInt8]] = tables.map { table in
        var inverse: [UInt16: UInt8] = [:]
        for (offset, scalar) in table.enumerated() where scalar != 0 {
            inverse[scalar] = UInt8(0x80 + offset)
        }
        return inverse
    }
}
