public import Logging
import NIOCore
public import YingyunArchive
public import YingyunCatalog
import YingyunDICOM
public import YingyunNetwork
public import YingyunStore

/// C-GET/C-MOVE SCP over the catalog and blob store (PS3.4 C.4.2.1.4, C.4.3.1.3): the
/// identifier's unique keys name patients, studies, series or instances; each is sent from its
/// stored object, opened only when its turn comes.
public struct CatalogRetrieveHandler: RetrieveHandler {
    public let catalog: any Catalog
    public let store: any BlobStore
    public let logger: Logger
    /// At most this many instances per request (a whole patient can be large).
    public var limit: Int
    /// Re-encodes an instance for a peer that did not accept its stored transfer syntax.
    public var transcoder: Transcoder

    public init(
        catalog: any Catalog, store: any BlobStore, logger: Logger, limit: Int = 100_000,
        transcoder: Transcoder = Transcoder(decoder: ImagingPixelDataDecoder())
    ) {
        self.catalog = catalog
        self.store = store
        self.logger = logger
        self.limit = limit
        self.transcoder = transcoder
    }

    public func instances(for request: RetrieveRequest) async throws -> [RetrievableInstance] {
        let identifier = request.identifier
        func uids(_ tag: Tag) -> [String] {
            (identifier[tag]?.stringValues(characterSet: .default) ?? []).map(UID.trimmed).filter { !$0.isEmpty }
        }
        guard let levelText = identifier[.queryRetrieveLevel]?.stringValue(characterSet: .default),
            let level = QueryLevel(rawValue: UID.trimmed(levelText))
        else {
            throw StoreRefusal(.identifierDoesNotMatchSOPClass, "missing or unknown QueryRetrieveLevel")
        }
        let rows: [StoredInstance]
        do {
            switch level {
            case .patient:
                guard request.model.queryModel == .patientRoot else {
                    throw StoreRefusal(.identifierDoesNotMatchSOPClass, "PATIENT level is not in the study root model")
                }
                // Unique key: PatientID (single value, PS3.4 C.4.2.2.1).
                guard let patientID = identifier[.patientID]?.stringValue(characterSet: .default).map(UID.trimmed), !patientID.isEmpty,
                    !patientID.contains("*"), !patientID.contains("?")
                else {
                    throw StoreRefusal(.identifierDoesNotMatchSOPClass, "PATIENT level needs a Patient ID")
                }
                let studies = try await catalog.search(CatalogQuery(level: .study, matchKeys: [(.patientID, patientID)], limit: limit))
                var found: [StoredInstance] = []
                for study in studies.matches {
                    guard let uid = study[.studyInstanceUID]?.stringValue(characterSet: .default).map(UID.trimmed) else { continue }
                    found += try await catalog.instances(studyInstanceUID: uid, seriesInstanceUID: nil, sopInstanceUID: nil)
                }
                rows = found
            case .study:
                let studies = uids(.studyInstanceUID)
                guard !studies.isEmpty else { throw StoreRefusal(.identifierDoesNotMatchSOPClass, "STUDY level needs Study Instance UIDs") }
                var found: [StoredInstance] = []
                for uid in studies {
                    found += try await catalog.instances(studyInstanceUID: uid, seriesInstanceUID: nil, sopInstanceUID: nil)
                }
                rows = found
            case .series:
                let study = uids(.studyInstanceUID), series = uids(.seriesInstanceUID)
                guard study.count == 1, !series.isEmpty else {
                    throw StoreRefusal(.identifierDoesNotMatchSOPClass, "SERIES level needs one Study and some Series Instance UIDs")
                }
                var found: [StoredInstance] = []
                for uid in series {
                    found += try await catalog.instances(studyInstanceUID: study[0], seriesInstanceUID: uid, sopInstanceUID: nil)
                }
                rows = found
            case .instance:
                let sops = uids(.sopInstanceUID)
                guard !sops.isEmpty else { throw StoreRefusal(.identifierDoesNotMatchSOPClass, "IMAGE level needs SOP Instance UIDs") }
                var found: [StoredInstance] = []
                for uid in sops {
                    if let row = try await catalog.instance(sopInstanceUID: uid) { found.append(row) }
                }
                rows = found
            }
        } catch let r as StoreRefusal {
            throw r
        } catch {
            logger.error("retrieve: catalog lookup failed", metadata: ["error": "\(error)"])
            throw StoreRefusal(.unableToPerformSubOperations, "catalog unavailable")
        }
        guard rows.count <= limit else {
            throw StoreRefusal(.unableToPerformSubOperations, "more than \(limit) instances requested")
        }
        logger.info("retrieve resolved", metadata: [
            "dimse.calling_ae": "\(request.callingAETitle)", "dimse.level": "\(level.rawValue)", "dimse.instances": "\(rows.count)",
        ])
        let store = self.store, transcoder = self.transcoder
        return rows.map { row in
            let reader: @Sendable () throws -> any BlobReader = {
                guard let digest = BlobDigest(hex: row.digest) else { throw CatalogError.storage("bad digest in the catalog") }
                return try store.reader(for: digest)
            }
            return RetrievableInstance(
                sopClassUID: row.sopClassUID, sopInstanceUID: row.sopInstanceUID, transferSyntaxUID: row.transferSyntaxUID,
                transcoding: transcoder.dataSetTranscoding(from: row.transferSyntaxUID, reader: reader),
                prefetch: { try? reader().willRead() }
            ) {
                let source = BlobByteSource(reader: try reader())
                return (source, try Self.dataSetOffset(source)..<source.size)
            }
        }
    }

    /// Where the data set starts in a stored Part 10 object: after the File Meta Information,
    /// whose length (0002,0000) follows "DICM"; a file without it is parsed.
    static func dataSetOffset(_ source: any ByteSource) throws -> Int {
        let head = try source.bytes(at: 0, count: 144)
        if head.readableBytes == 144, head.getBytes(at: head.readerIndex + 128, length: 4) == Array("DICM".utf8),
            head.getBytes(at: head.readerIndex + 132, length: 6) == [0x02, 0x00, 0x00, 0x00, 0x55, 0x4C],
            let length = head.getInteger(at: head.readerIndex + 140, endianness: .little, as: UInt32.self),
            144 + Int(length) <= source.size
        {
            return 144 + Int(length)
        }
        return try DICOMFile.parse(source, options: ParseOptions(stopBeforePixelData: true)).dataSetOffset
    }
}
