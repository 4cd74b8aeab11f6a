/// Command Field (0000,0100) values (PS3.7 Annex E).
public struct CommandField: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let cStoreRQ = CommandField(rawValue: 0x0001)
    public static let cStoreRSP = CommandField(rawValue: 0x8001)
    public static let cGetRQ = CommandField(rawValue: 0x0010)
    public static let cGetRSP = CommandField(rawValue: 0x8010)
    public static let cFindRQ = CommandField(rawValue: 0x0020)
    public static let cFindRSP = CommandField(rawValue: 0x8020)
    public static let cMoveRQ = CommandField(rawValue: 0x0021)
    public static let cMoveRSP = CommandField(rawValue: 0x8021)
    public static let cEchoRQ = CommandField(rawValue: 0x0030)
    public static let cEchoRSP = CommandField(rawValue: 0x8030)
    public static let cCancelRQ = CommandField(rawValue: 0x0FFF)

    /// Responses have bit 15 set.
    public var isResponse: Bool { rawValue & 0x8000 != 0 }
    /// The response to this request.
    public var response: CommandField { CommandField(rawValue: rawValue | 0x8000) }

    public var description: String {
        switch self {
        case .cStoreRQ: return "C-STORE-RQ"
        case .cStoreRSP: return "C-STORE-RSP"
        case .cGetRQ: return "C-GET-RQ"
        case .cFindRQ: return "C-FIND-RQ"
        case .cMoveRQ: return "C-MOVE-RQ"
        case .cEchoRQ: return "C-ECHO-RQ"
        case .cEchoRSP: return "C-ECHO-RSP"
        case .cCancelRQ: return "C-CANCEL-RQ"
        default: return "0x" + String(rawValue, radix: 16, uppercase: true)
        }
    }
}
