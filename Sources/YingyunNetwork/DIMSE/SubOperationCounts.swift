/// The progress of a C-GET or C-MOVE (PS3.4 C.4.2.1.5, C.4.3.1.4): how many C-STORE
/// sub-operations remain, completed, failed or completed with a warning.
public struct SubOperationCounts: Sendable, Hashable {
    public var remaining: Int
    public var completed = 0
    public var failed = 0
    public var warning = 0
    /// SOP Instance UIDs of the failed sub-operations, for (0008,0058) in the final response.
    public var failedSOPInstanceUIDs: [String] = []

    public init(remaining: Int) { self.remaining = remaining }

    /// Counts one finished sub-operation.
    public mutating func record(_ status: DIMSEStatus, sopInstanceUID: String) {
        remaining = max(remaining - 1, 0)
        switch status.category {
        case .success: completed += 1
        case .warning: warning += 1
        default:
            failed += 1
            failedSOPInstanceUIDs.append(sopInstanceUID)
        }
    }

    /// A sub-operation that never ran (no usable presentation context, unreadable object).
    public mutating func recordFailure(sopInstanceUID: String) {
        record(.processingFailure, sopInstanceUID: sopInstanceUID)
    }

    /// The final status (PS3.4 Tables C.4-2, C.4-3): success when every sub-operation succeeded;
    /// 0xB000 when some failed or warned; 0xA702 when all failed; 0xFE00 when cancelled.
    public func finalStatus(cancelled: Bool) -> DIMSEStatus {
        if cancelled { return .cancel }
        if failed > 0 && completed == 0 && warning == 0 { return .unableToPerformSubOperations }
        if failed > 0 || warning > 0 { return .subOperationsCompleteWithFailures }
        return .success
    }
}

extension CommandSet.Element {
    public static let numberOfRemainingSubOperations: UInt16 = 0x1020
    public static let numberOfCompletedSubOperations: UInt16 = 0x1021
    public static let numberOfFailedSubOperations: UInt16 = 0x1022
    public static let numberOfWarningSubOperations: UInt16 = 0x1023
}

extension DIMSEStatus {
    /// C-GET/C-MOVE (PS3.4 Tables C.4-2, C.4-3).
    public static let unableToPerformSubOperations = DIMSEStatus(rawValue: 0xA702)
    public static let moveDestinationUnknown = DIMSEStatus(rawValue: 0xA801)
    public static let subOperationsCompleteWithFailures = DIMSEStatus(rawValue: 0xB000)
    public static let cancel = DIMSEStatus(rawValue: 0xFE00)
}

extension CommandSet {
    /// A C-GET-RSP or C-MOVE-RSP carrying the sub-operation counts. Pending responses carry all
    /// four; final ones omit Remaining (PS3.7 Tables 9.3-8, 9.3-10 allow it only when pending).
    public static func retrieveResponse(
        to request: CommandSet, status: DIMSEStatus, counts: SubOperationCounts, errorComment: String? = nil, hasDataSet: Bool = false
    ) -> CommandSet {
        var c = CommandSet.response(to: request, status: status, errorComment: errorComment, hasDataSet: hasDataSet)
        if status.category == .pending {
            c.setUInt16(Element.numberOfRemainingSubOperations, UInt16(clamping: counts.remaining))
        }
        c.setUInt16(Element.numberOfCompletedSubOperations, UInt16(clamping: counts.completed))
        c.setUInt16(Element.numberOfFailedSubOperations, UInt16(clamping: counts.failed))
        c.setUInt16(Element.numberOfWarningSubOperations, UInt16(clamping: counts.warning))
        return c
    }

    public var moveDestination: String? { string(Element.moveDestination) }
}
