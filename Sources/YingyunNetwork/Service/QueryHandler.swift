public import YingyunDICOM

/// The C-FIND information models served (PS3.4 Annex C.6).
public enum QueryRetrieveModel: String, Sendable, Hashable, CaseIterable {
    case patientRoot = "1.2.840.10008.5.1.4.1.2.1.1"
    case studyRoot = "1.2.840.10008.5.1.4.1.2.2.1"
}

/// One C-FIND request as the network layer hands it to the catalog (PS3.4 C.4.1).
public struct FindRequest: Sendable {
    public var callingAETitle: String
    public var peerAddress: String
    public var entity: ApplicationEntity?
    public var model: QueryRetrieveModel
    /// The identifier: matching and return keys, (0008,0052) Query/Retrieve Level.
    public var identifier: DataSet
    public var messageID: UInt16

    public init(callingAETitle: String, peerAddress: String, entity: ApplicationEntity?, model: QueryRetrieveModel, identifier: DataSet, messageID: UInt16) {
        self.callingAETitle = callingAETitle
        self.peerAddress = peerAddress
        self.entity = entity
        self.model = model
        self.identifier = identifier
        self.messageID = messageID
    }
}

/// The seam for C-FIND: the network layer never imports the catalog.
public protocol QueryHandler: Sendable {
    /// The matches, each holding the requested keys (and (0008,0005), (0008,0052)).
    /// - Throws: `StoreRefusal` with a C-FIND failure status (0xA700 out of resources, 0xA900
    ///   identifier does not match SOP class, 0xC000 unable to process); other errors are 0xC000.
    func find(_ request: FindRequest) async throws -> [DataSet]
}
