/// Value Representations, PS3.5 §6.2. Cases keep the standard's two-letter codes.
public enum VR: String, Sendable, CaseIterable, Hashable {
    case AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV,
        TM, UC, UI, UL, UN, UR, US, UT, UV

    /// Builds a VR from the two bytes of an explicit VR header; nil when they name no VR.
    /// A 26×26 table indexed by the two letters: this runs once per element on the parse hot path.
    @inline(__always)
    public init?(byte0: UInt8, byte1: UInt8) {
        let a = Int(byte0) &- 0x41
        let b = Int(byte1) &- 0x41
        guard a >= 0, a < 26, b >= 0, b < 26, let vr = VR.byCode[a * 26 + b] else { return nil }
        self = vr
    }

    private static let byCode: [VR?] = {
        var table = [VR?](repeating: nil, count: 26 * 26)
        for vr in VR.allCases {
            let u = Array(vr.rawValue.utf8)
            table[Int(u[0] - 0x41) * 26 + Int(u[1] - 0x41)] = vr
        }
        return table
    }()

    /// VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 §7.1.2, Table 7.1-1).
    public var hasLongExplicitLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: return true
        default: return false
        }
    }

    /// Character-string VRs (PS3.5 §6.2).
    public var isString: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: return true
        default: return false
        }
    }

    /// String VRs whose value is affected by Specific Character Set (PS3.5 §6.1.2.3).
    public var usesSpecificCharacterSet: Bool {
        switch self {
        case .LO, .LT, .PN, .SH, .ST, .UC, .UT: return true
        default: return false
        }
    }

    /// String VRs whose value is one value regardless of backslashes (PS3.5 §6.4: VM is always 1).
    public var isSingleValuedText: Bool {
        switch self {
        case .LT, .ST, .UT, .UR: return true
        default: return false
        }
    }

    /// Binary VRs whose value is an opaque byte or word stream (pydicom's BYTES_VR).
    public var isBulkBinary: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .UN: return true
        default: return false
        }
    }

    /// Size in bytes of one value of a fixed-size binary VR; the byte-swap unit for big endian.
    public var fixedValueSize: Int? {
        switch self {
        case .AT: return 2  // swapped as two 16-bit halves
        case .US, .SS, .OW: return 2
        case .UL, .SL, .FL, .OF, .OL: return 4
        case .FD, .OD, .SV, .UV, .OV: return 8
        default: return nil
        }
    }

    /// Byte used to pad a value to even length (PS3.5 §6.2): NUL for UI and binary, space for text.
    public var paddingByte: UInt8 {
        switch self {
        case .UI: return 0
        default: return isString ? 0x20 : 0
        }
    }
}
