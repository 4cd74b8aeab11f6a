import Foundation
import Logging
import NIOCore
import Testing
import YingyunArchive
import YingyunCatalog
import YingyunDICOM
import YingyunDICOMIO
import YingyunDIMSEService
import YingyunNetwork
import YingyunStore

/// C-FIND over TCP against the catalog filled by C-STORE of the generated multi-hospital study set.
@Suite struct CatalogQueryHandlerTests {
    static let studies = ArchiveStoreHandlerTests.fixtures + "/studies"

    func withFilledListener(_ body: @Sendable (Int) async throws -> Void) async throws {
        let archive = Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory())
        let server = DIMSEServer(
            configuration: DIMSEServerConfiguration(host: "127.0.0.1", port: 0, directory: ApplicationEntityDirectory(strict: false, defaultPermissions: [.store, .query])),
            handler: ArchiveStoreHandler(archive: archive, logger: Logger(label: "test")),
            queryHandler: CatalogQueryHandler(catalog: archive.catalog, logger: Logger(label: "test")),
            logger: Logger(label: "test"))
        let files = Archive.files(under: [Self.studies]).filter { $0.hasSuffix(".dcm") }
        let items = try files.map { try StoreSCU.item(name: $0, source: FileByteSource(path: $0)) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run { continuation.yield($0) } }
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else { return }
            let results = try await StoreSCU.send(items, host: "127.0.0.1", port: port, callingAETitle: "CT01", calledAETitle: "YINGYUN")
            #expect(results.allSatisfy { $0.status == .success })
            try await body(port)
            group.cancelAll()
        }
    }

    func find(_ port: Int, _ model: QueryRetrieveModel, _ identifier: [DataElement]) async throws -> ([DataSet], DIMSEStatus) {
        let request = AssociateRequest(
            calledAETitle: "YINGYUN", callingAETitle: "WS01",
            presentationContexts: [.init(id: 1, abstractSyntax: model.rawValue, transferSyntaxes: ["1.2.840.10008.1.2.1"])],
            userInformation: UserInformation())
        let r = try await DIMSEClient.withAssociation(host: "127.0.0.1", port: port, request: request) { a in
            try await a.find(model: model, identifier: DataSet(identifier))
        }
        return (r.matches, r.status)
    }

    static func level(_ l: String) -> DataElement { DataElement(tag: .queryRetrieveLevel, vr: .CS, strings: [l]) }
    static func key(_ t: YingyunDICOM.Tag, _ vr: VR, _ v: String = "") -> DataElement { DataElement(tag: t, vr: vr, strings: v.isEmpty ? [] : [v]) }

    @Test func findsAtEveryLevel() async throws {
        try await withFilledListener { port in
            let (studies, s1) = try await find(port, .studyRoot, [Self.level("STUDY"), Self.key(.studyInstanceUID, .UI), Self.key(.patientName, .PN), Self.key(.modalitiesInStudy, .CS)])
            #expect(s1 == .success)
            #expect(studies.count == 6)
            #expect(studies.allSatisfy { $0[.studyInstanceUID] != nil && $0[.patientName] != nil && $0[.queryRetrieveLevel] != nil })
            let study = try #require(studies.first?[.studyInstanceUID]?.stringValue(characterSet: .default))
            let (series, s2) = try await find(port, .studyRoot, [Self.level("SERIES"), Self.key(.studyInstanceUID, .UI, study), Self.key(.seriesInstanceUID, .UI), Self.key(.modality, .CS)])
            #expect(s2 == .success)
            #expect(!series.isEmpty)
            let seriesUID = try #require(series.first?[.seriesInstanceUID]?.stringValue(characterSet: .default))
            let (images, s3) = try await find(port, .studyRoot, [Self.level("IMAGE"), Self.key(.studyInstanceUID, .UI, study), Self.key(.seriesInstanceUID, .UI, seriesUID), Self.key(.sopInstanceUID, .UI)])
            #expect(s3 == .success)
            #expect(!images.isEmpty)
            let (patients, s4) = try await find(port, .patientRoot, [Self.level("PATIENT"), Self.key(.patientID, .LO), Self.key(.patientName, .PN)])
            #expect(s4 == .success)
            #expect(patients.count >= 1 && patients.count <= studies.count)
            let ids = patients.compactMap { $0[.patientID]?.stringValue(characterSet: .default) }
            #expect(Set(ids).count == ids.count)
            // Study root has no PATIENT level.
            let (_, s5) = try await find(port, .studyRoot, [Self.level("PATIENT"), Self.key(.patientID, .LO)])
            #expect(s5 == .identifierDoesNotMatchSOPClass)
        }
    }

    @Test func matchesAWildcardNameAndAnswersInUTF8() async throws {
        try await withFilledListener { port in
            let (all, _) = try await find(port, .studyRoot, [Self.level("STUDY"), Self.key(.patientName, .PN), Self.key(.studyInstanceUID, .UI)])
            let names = all.compactMap { $0[.patientName]?.stringValue(characterSet: .utf8) }
            let chinese = try #require(names.first { $0.unicodeScalars.contains { $0.value > 0x3000 } })
            let family = String(chinese.prefix { $0 != "^" && $0 != "=" })
            let (matches, status) = try await find(port, .studyRoot, [
                DataElement(tag: .specificCharacterSet, vr: .CS, strings: ["ISO_IR 192"]),
                Self.level("STUDY"), Self.key(.patientName, .PN, family + "*"), Self.key(.studyInstanceUID, .UI),
            ])
            #expect(status == .success)
            #expect(!matches.isEmpty)
            #expect(matches.allSatisfy { ($0[.patientName]?.stringValue(characterSet: .utf8) ?? "").lowercased().contains(family.lowercased()) }, "\(family): \(matches.map { $0[.patientName]?.stringValue(characterSet: .utf8) ?? "" })")
            #expect(matches.first?[.specificCharacterSet]?.stringValue(characterSet: .default) == "ISO_IR 192")
        }
    }
}
