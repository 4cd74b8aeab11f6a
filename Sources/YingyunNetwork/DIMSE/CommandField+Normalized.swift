/// DIMSE-N commands used here (PS3.7 Annex E): N-EVENT-REPORT and N-ACTION (storage commitment).
extension CommandField {
    public static let nEventReportRQ = CommandField(rawValue: 0x0100)
    public static let nEventReportRSP = CommandField(rawValue: 0x8100)
    public static let nActionRQ = CommandField(rawValue: 0x0130)
    public static let nActionRSP = CommandField(rawValue: 0x8130)
}

extension CommandSet.Element {
    public static let eventTypeID: UInt16 = 0x1002
    public static let actionTypeID: UInt16 = 0x1008
}

extension CommandSet {
    public var requestedSOPClassUID: String? { string(Element.requestedSOPClassUID) }
    public var requestedSOPInstanceUID: String? { string(Element.requestedSOPInstanceUID) }

    /// N-ACTION-RSP (PS3.7 §10.3.4): affected SOP class/instance = the requested ones.
    public static func nActionResponse(to request: CommandSet, status: DIMSEStatus, errorComment: String? = nil) -> CommandSet {
        var c = CommandSet()
        c.setString(Element.affectedSOPClassUID, request.requestedSOPClassUID ?? "", isUID: true)
        c.setUInt16(Element.commandField, CommandField.nActionRSP.rawValue)
        c.setUInt16(Element.messageIDBeingRespondedTo, request.messageID ?? 0)
        c.setUInt16(Element.commandDataSetType, noDataSet)
        c.setUInt16(Element.status, status.rawValue)
        c.setString(Element.affectedSOPInstanceUID, request.requestedSOPInstanceUID ?? "", isUID: true)
        if let a = request.uint16(Element.actionTypeID) { c.setUInt16(Element.actionTypeID, a) }
        if let errorComment, status.category != .success {
            c.setString(Element.errorComment, String(errorComment.prefix(64)), isUID: false)
        }
        return c
    }

    /// N-EVENT-REPORT-RQ (PS3.7 §10.3.1) with an event information data set.
    public static func nEventReportRequest(messageID: UInt16, sopClassUID: String, sopInstanceUID: String, eventTypeID: UInt16) -> CommandSet {
        var c = CommandSet()
        c.setString(Element.affectedSOPClassUID, sopClassUID, isUID: true)
        c.setUInt16(Element.commandField, CommandField.nEventReportRQ.rawValue)
        c.setUInt16(Element.messageID, messageID)
        c.setUInt16(Element.commandDataSetType, 0x0102)
        c.setString(Element.affectedSOPInstanceUID, sopInstanceUID, isUID: true)
        c.setUInt16(Element.eventTypeID, eventTypeID)
        return c
    }
}
