/// A DIMSE status (0000,0900) (PS3.7 Annex C, PS3.4 Annex B.2.3 for C-STORE).
public struct DIMSEStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let success = DIMSEStatus(rawValue: 0x0000)
    /// C-STORE warnings (PS3.4 Table B.2-1).
    public static let coercionOfDataElements = DIMSEStatus(rawValue: 0xB000)
    public static let dataSetDoesNotMatchSOPClassWarning = DIMSEStatus(rawValue: 0xB007)
    public static let elementsDiscarded = DIMSEStatus(rawValue: 0xB006)
    /// General failures (PS3.7 Annex C).
    public static let processingFailure = DIMSEStatus(rawValue: 0x0110)
    public static let duplicateSOPInstance = DIMSEStatus(rawValue: 0x0111)
    public static let noSuchSOPClass = DIMSEStatus(rawValue: 0x0118)
    public static let sopClassNotSupported = DIMSEStatus(rawValue: 0x0122)
    public static let unrecognizedOperation = DIMSEStatus(rawValue: 0x0211)
    public static let refusedNotAuthorized = DIMSEStatus(rawValue: 0x0124)
    /// C-STORE failures (PS3.4 Table B.2-1): 0xA7xx out of resources, 0xA9xx data set does not
    /// match SOP class, 0xCxxx cannot understand.
    public static let outOfResources = DIMSEStatus(rawValue: 0xA700)
    public static let dataSetDoesNotMatchSOPClass = DIMSEStatus(rawValue: 0xA900)
    public static let cannotUnderstand = DIMSEStatus(rawValue: 0xC000)
    /// C-FIND (PS3.4 Table C.4-1): matches are continuing.
    public static let pending = DIMSEStatus(rawValue: 0xFF00)
    /// C-FIND: identifier does not match SOP class.
    public static let identifierDoesNotMatchSOPClass = DIMSEStatus(rawValue: 0xA900)

    public enum Category: Sendable, Hashable {
        case success, warning, failure, cancel, pending
    }

    /// PS3.7 Annex C: the class a status code belongs to.
    public var category: Category {
        switch rawValue {
        case 0x0000: return .success
        case 0x0001, 0x0107, 0x0116, 0xB000...0xBFFF: return .warning
        case 0xFE00: return .cancel
        case 0xFF00, 0xFF01: return .pending
        default: return .failure
        }
    }

    public var description: String { "0x" + String(rawValue, radix: 16, uppercase: true) }
}
