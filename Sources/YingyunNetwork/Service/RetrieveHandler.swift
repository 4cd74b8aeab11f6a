public import YingyunDICOM

/// The retrieve information models served (PS3.4 Annex C.6): C-GET and C-MOVE, patient and
/// study root.
public enum RetrieveModel: String, Sendable, Hashable, CaseIterable {
    case patientRootGet = "1.2.840.10008.5.1.4.1.2.1.3"
    case studyRootGet = "1.2.840.10008.5.1.4.1.2.2.3"
    case patientRootMove = "1.2.840.10008.5.1.4.1.2.1.2"
    case studyRootMove = "1.2.840.10008.5.1.4.1.2.2.2"

    /// True for the C-GET models (sub-operations on the same association).
    public var isGet: Bool { self == .patientRootGet || self == .studyRootGet }
    /// The query model whose levels and keys apply.
    public var queryModel: QueryRetrieveModel { self == .patientRootGet || self == .patientRootMove ? .patientRoot : .studyRoot }
}

/// One C-GET or C-MOVE request as the network layer hands it to the archive (PS3.4 C.4.2, C.4.3).
public struct RetrieveRequest: Sendable {
    public var callingAETitle: String
    public var peerAddress: String
    public var entity: ApplicationEntity?
    public var model: RetrieveModel
    /// The identifier: (0008,0052) Query/Retrieve Level and the unique keys down to it.
    public var identifier: DataSet
    public var messageID: UInt16

    public init(callingAETitle: String, peerAddress: String, entity: ApplicationEntity?, model: RetrieveModel, identifier: DataSet, messageID: UInt16) {
        self.callingAETitle = callingAETitle
        self.peerAddress = peerAddress
        self.entity = entity
        self.model = model
        self.identifier = identifier
        self.messageID = messageID
    }
}

/// A stored instance to send in a C-STORE sub-operation. The bytes are opened only when its
/// turn comes and read in chunks: a study is never held in memory.
public struct RetrievableInstance: Sendable {
    public var sopClassUID: String
    public var sopInstanceUID: String
    /// The transfer syntax of the stored data set: sent unchanged when the peer accepted a
    /// presentation context with exactly this syntax.
    public var transferSyntaxUID: String
    /// Opens the stored object: the source and the data set's byte range in it (after the File
    /// Meta Information).
    public var open: @Sendable () throws -> (source: any ByteSource, dataSet: Range<Int>)
    /// How to send the data set in another transfer syntax when the peer did not accept the
    /// stored one; nil when only the stored bytes can be sent.
    public var transcoding: DataSetTranscoding?
    /// Starts reading the stored object in the background, a few sub-operations before it is
    /// sent (an object not read lately comes from disk). Must return at once.
    public var prefetch: (@Sendable () -> Void)?

    public init(
        sopClassUID: String, sopInstanceUID: String, transferSyntaxUID: String, transcoding: DataSetTranscoding? = nil,
        prefetch: (@Sendable () -> Void)? = nil,
        open: @escaping @Sendable () throws -> (source: any ByteSource, dataSet: Range<Int>)
    ) {
        self.sopClassUID = sopClassUID
        self.sopInstanceUID = sopInstanceUID
        self.transferSyntaxUID = transferSyntaxUID
        self.transcoding = transcoding
        self.prefetch = prefetch
        self.open = open
    }

    /// Objects prefetched ahead of the one being sent.
    public static let readAhead = 4

    /// Before sub-operation `index`: prefetches what should be on its way by then (the first
    /// `readAhead + 1` at the start, then one more each step).
    static func prefetch(_ instances: [RetrievableInstance], before index: Int) {
        let from = index == 0 ? 0 : index + readAhead
        let to = min(instances.count, index + readAhead + 1)
        guard from < to else { return }
        for i in from..<to { instances[i].prefetch?() }
    }
}

/// The seam for C-GET and C-MOVE: the network layer never imports the catalog or blob store.
public protocol RetrieveHandler: Sendable {
    /// The instances the identifier names, in the order to send them.
    /// - Throws: `StoreRefusal` with a retrieve failure status (0xA900 identifier does not match
    ///   SOP class, 0xA701/0xA702 out of resources, 0xC000 unable to process); other errors are 0xC000.
    func instances(for request: RetrieveRequest) async throws -> [RetrievableInstance]
}
