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

/// C-GET/C-MOVE instance resolution and storage commitment over an archive filled from the
/// generated study set: every level's unique keys, data set ranges equal to the files' own.
@Suite struct CatalogRetrieveHandlerTests {
    struct Fixture {
        var archive: Archive
        var files: [String: DICOMFile]
        var paths: [String: String]
    }

    func filled() async throws -> Fixture {
        let archive = Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory())
        var files: [String: DICOMFile] = [:], paths: [String: String] = [:]
        for path in Archive.files(under: [CatalogQueryHandlerTests.studies]) where path.hasSuffix(".dcm") {
            guard case .success = await archive.importFile(atPath: path) else { Issue.record("import \(path)"); continue }
            let file = try DICOMFile.parse(FileByteSource(path: path), options: ParseOptions(stopBeforePixelData: true))
            let uid = UID.trimmed(file.dataSet[.sopInstanceUID]?.stringValue(characterSet: .default) ?? "")
            files[uid] = file
            paths[uid] = path
        }
        return Fixture(archive: archive, files: files, paths: paths)
    }

    func request(_ model: RetrieveModel, _ elements: [DataElement]) -> RetrieveRequest {
        RetrieveRequest(callingAETitle: "WS01", peerAddress: "127.0.0.1", entity: nil, model: model, identifier: DataSet(elements), messageID: 1)
    }

    static func level(_ l: String) -> DataElement { DataElement(tag: .queryRetrieveLevel, vr: .CS, strings: [l]) }
    static func uid(_ t: YingyunDICOM.Tag, _ v: [String]) -> DataElement { DataElement(tag: t, vr: .UI, strings: v) }

    func value(_ f: DICOMFile, _ t: YingyunDICOM.Tag) -> String { UID.trimmed(f.dataSet[t]?.stringValue(characterSet: .default) ?? "") }

    @Test func everyLevelResolvesAndOpensTheStoredDataSet() async throws {
        let fx = try await filled()
        let handler = CatalogRetrieveHandler(catalog: fx.archive.catalog, store: fx.archive.store, logger: Logger(label: "test"))
        let any = fx.files.values.first!
        let study = value(any, .studyInstanceUID), series = value(any, .seriesInstanceUID), sop = value(any, .sopInstanceUID)
        let inStudy = fx.files.values.filter { value($0, .studyInstanceUID) == study }.count
        let inSeries = fx.files.values.filter { value($0, .seriesInstanceUID) == series }.count
        let patient = value(any, .patientID)

        let byStudy = try await handler.instances(for: request(.studyRootGet, [Self.level("STUDY"), Self.uid(.studyInstanceUID, [study])]))
        #expect(byStudy.count == inStudy)
        let bySeries = try await handler.instances(for: request(.studyRootMove, [
            Self.level("SERIES"), Self.uid(.studyInstanceUID, [study]), Self.uid(.seriesInstanceUID, [series]),
        ]))
        #expect(bySeries.count == inSeries)
        let byImage = try await handler.instances(for: request(.patientRootGet, [
            Self.level("IMAGE"), Self.uid(.studyInstanceUID, [study]), Self.uid(.seriesInstanceUID, [series]), Self.uid(.sopInstanceUID, [sop, "1.2.3.404"]),
        ]))
        #expect(byImage.map(\.sopInstanceUID) == [sop])
        let byPatient = try await handler.instances(for: request(.patientRootGet, [
            Self.level("PATIENT"), DataElement(tag: .patientID, vr: .LO, strings: [patient]),
        ]))
        #expect(byPatient.count >= inStudy)

        // Each opened range is exactly the file's data set.
        for instance in byStudy {
            let (source, range) = try instance.open()
            let path = fx.paths[instance.sopInstanceUID]!
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            let offset = fx.files[instance.sopInstanceUID]!.dataSetOffset
            let sent = try source.bytes(at: range.lowerBound, count: range.count)
            #expect(Array(sent.readableBytesView) == Array(original[offset...]))
            #expect(instance.transferSyntaxUID == fx.files[instance.sopInstanceUID]!.transferSyntax.uid)
        }
    }

    @Test func badIdentifiersAreRefusedWithA900() async throws {
        let fx = try await filled()
        let handler = CatalogRetrieveHandler(catalog: fx.archive.catalog, store: fx.archive.store, logger: Logger(label: "test"))
        for elements in [
            [DataElement](),
            [Self.level("STUDY")],
            [Self.level("PATIENT"), DataElement(tag: .patientID, vr: .LO, strings: ["A*"])],
            [Self.level("SERIES"), Self.uid(.seriesInstanceUID, ["1.2"])],
        ] {
            await #expect(throws: StoreRefusal.self) { _ = try await handler.instances(for: request(.patientRootGet, elements)) }
        }
        // PATIENT level is not in the study root model.
        await #expect(throws: StoreRefusal.self) {
            _ = try await handler.instances(for: request(.studyRootGet, [Self.level("PATIENT"), DataElement(tag: .patientID, vr: .LO, strings: ["X"])]))
        }
    }

    @Test func commitmentIsTheCatalogRow() async throws {
        let fx = try await filled()
        let handler = CatalogCommitmentHandler(catalog: fx.archive.catalog, logger: Logger(label: "test"))
        let (uid, file) = fx.files.first!
        let sopClass = value(file, .sopClassUID)
        #expect(await handler.failureReason(for: SOPReference(sopClassUID: sopClass, sopInstanceUID: uid), callingAETitle: "CT01") == nil)
        #expect(await handler.failureReason(for: SOPReference(sopClassUID: sopClass, sopInstanceUID: "1.2.3.404"), callingAETitle: "CT01") == 0x0112)
        #expect(await handler.failureReason(for: SOPReference(sopClassUID: "1.2.840.10008.5.1.4.1.1.7", sopInstanceUID: uid), callingAETitle: "CT01") == 0x0119)
    }
}
