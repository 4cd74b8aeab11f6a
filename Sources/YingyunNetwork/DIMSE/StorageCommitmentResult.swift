public import YingyunDICOM

/// A storage commitment request's references and, once checked, its result (PS3.4 J.3.2, J.3.3).
public struct StorageCommitmentResult: Sendable, Hashable {
    public var transactionUID: String
    public var committed: [SOPReference] = []
    public var failed: [(reference: SOPReference, reason: UInt16)] = []

    public init(transactionUID: String) { self.transactionUID = transactionUID }

    public static func == (a: Self, b: Self) -> Bool {
        a.transactionUID == b.transactionUID && a.committed == b.committed
            && a.failed.map(\.reference) == b.failed.map(\.reference) && a.failed.map(\.reason) == b.failed.map(\.reason)
    }
    public func hash(into h: inout Hasher) { h.combine(transactionUID) }

    /// Event Type ID: 1 all committed, 2 some failed (PS3.4 Table J.3-2).
    public var eventTypeID: UInt16 { failed.isEmpty ? 1 : 2 }

    /// The N-ACTION information: (0008,1195) Transaction UID and (0008,1199) Referenced SOP
    /// Sequence of (0008,1150)/(0008,1155) pairs (PS3.4 Table J.3-1).
    /// - Throws: `StoreRefusal` (0x0120 missing attribute, 0x0121 missing attribute value).
    public static func parseRequest(_ dataSet: DataSet) throws -> (transactionUID: String, references: [SOPReference]) {
        func uid(_ ds: DataSet, _ tag: Tag) -> String? {
            ds[tag]?.stringValue(characterSet: .default).map(UID.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let transaction = uid(dataSet, .transactionUID) else {
            throw StoreRefusal(DIMSEStatus(rawValue: 0x0120), "Transaction UID missing")
        }
        guard let items = dataSet[.referencedSOPSequence]?.items, !items.isEmpty else {
            throw StoreRefusal(DIMSEStatus(rawValue: 0x0120), "Referenced SOP Sequence missing")
        }
        var references: [SOPReference] = []
        for item in items {
            guard let c = uid(item, .referencedSOPClassUID), let i = uid(item, .referencedSOPInstanceUID) else {
                throw StoreRefusal(DIMSEStatus(rawValue: 0x0121), "Referenced SOP Class/Instance UID missing")
            }
            references.append(SOPReference(sopClassUID: c, sopInstanceUID: i))
        }
        return (transaction, references)
    }

    /// The N-EVENT-REPORT information (PS3.4 Table J.3-2).
    public func eventInformation() -> DataSet {
        func item(_ r: SOPReference, reason: UInt16? = nil) -> DataSet {
            var e = [
                DataElement(tag: .referencedSOPClassUID, vr: .UI, strings: [r.sopClassUID]),
                DataElement(tag: .referencedSOPInstanceUID, vr: .UI, strings: [r.sopInstanceUID]),
            ]
            if let reason { e.append(DataElement(tag: .failureReason, uint16: reason)) }
            return DataSet(e)
        }
        var elements = [DataElement(tag: .transactionUID, vr: .UI, strings: [transactionUID])]
        if !committed.isEmpty { elements.append(DataElement(tag: .referencedSOPSequence, items: committed.map { item($0) })) }
        if !failed.isEmpty { elements.append(DataElement(tag: .failedSOPSequence, items: failed.map { item($0.reference, reason: $0.reason) })) }
        return DataSet(elements)
    }
}
