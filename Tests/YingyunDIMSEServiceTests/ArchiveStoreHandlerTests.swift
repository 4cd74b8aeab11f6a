import Foundation
import Logging
import NIOCore
import Testing
import YingyunArchive
import YingyunCatalog
import YingyunDICOM
import YingyunDICOMIO
@testable import YingyunDIMSEService
import YingyunNetwork
import YingyunStore

/// C-STORE over TCP into the real ingest pipeline (in-memory blob store, in-memory SQLite).
@Suite struct ArchiveStoreHandlerTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/dicom").path

    static let files = [
        "ct_explicit_le.dcm", "ct_implicit_le.dcm", "ct_explicit_be.dcm", "ct_deflated.dcm",
        "encapsulated_bot.dcm", "encapsulated_no_bot.dcm", "multiframe_native.dcm", "sq_nested_implicit.dcm",
    ]

    func withListener(_ archive: Archive, _ body: @Sendable (Int) async throws -> Void) async throws {
        let server = DIMSEServer(
            configuration: DIMSEServerConfiguration(host: "127.0.0.1", port: 0, maximumPDULength: 16384),
            handler: ArchiveStoreHandler(archive: archive, logger: Logger(label: "test"), writeSize: 4096),
            logger: Logger(label: "test"))
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run { continuation.yield($0) } }
            var it = ports.makeAsyncIterator()
            guard let port = await it.next() else { return }
            try await body(port)
            group.cancelAll()
        }
    }

    /// The fixtures in several transfer syntaxes share UIDs: each goes to its own archive.
    @Test(arguments: files) func storedObjectKeepsTheDataSetBytesAndGetsOurFileMeta(_ name: String) async throws {
        let archive = Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory())
        let item = try StoreSCU.item(name: name, source: FileByteSource(path: Self.fixtures + "/" + name))
        try await withListener(archive) { port in
            let results = try await StoreSCU.send([item], host: "127.0.0.1", port: port, callingAETitle: "CT01", calledAETitle: "YINGYUN")
            #expect(results.map(\.status) == [.success], "\(results)")
        }
        let row = try #require(try await archive.catalog.instance(sopInstanceUID: item.sopInstanceUID))
        #expect(row.transferSyntaxUID == item.transferSyntaxUID)
        let reader = try archive.store.reader(for: BlobDigest(hex: row.digest)!)
        let stored = try reader.read(at: 0, count: reader.size)
        let file = try DICOMFile.parse(stored, options: ParseOptions(stopBeforePixelData: true))
        let storedDataSet = stored.getSlice(at: file.dataSetOffset, length: stored.readableBytes - file.dataSetOffset)
        let source = try item.source.bytes(at: item.dataSet.lowerBound, count: item.dataSet.count)
        #expect(storedDataSet == source, "data set bytes differ")
        // Who sent it is in the catalog, not in the bytes (see the next test).
        #expect(file.fileMetaInformation[.sourceApplicationEntityTitle] == nil)
        #expect(file.fileMetaInformation[.implementationClassUID]?.stringValue(characterSet: .default).map(UID.trimmed) == Implementation.classUID)
        #expect(try await archive.verify().isClean)
    }

    /// A modality and a PACS forwarding its study send the same data set: one object, and the
    /// second store is an identical re-send (success), not a conflict.
    @Test func sameDataSetFromTwoAEsIsStoredOnce() async throws {
        let archive = Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory())
        let item = try StoreSCU.item(name: "ct_explicit_le.dcm", source: FileByteSource(path: Self.fixtures + "/ct_explicit_le.dcm"))
        try await withListener(archive) { port in
            for ae in ["CT01", "PACS_A"] {
                let results = try await StoreSCU.send([item], host: "127.0.0.1", port: port, callingAETitle: ae, calledAETitle: "YINGYUN")
                #expect(results.map(\.status) == [.success], "\(ae): \(results)")
            }
        }
        #expect(try archive.store.allDigests().count == 1)
    }

    @Test func garbageDataSetIsRefusedAndLeavesNothing() async throws {
        let store = InMemoryBlobStore()
        let archive = Archive(store: store, catalog: try SQLiteCatalog.inMemory())
        let garbage = ByteBuffer(bytes: (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let item = StoreSCU.Item(
            name: "garbage", source: BufferByteSource(garbage), sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
            sopInstanceUID: "1.2.3.4.5", transferSyntaxUID: "1.2.840.10008.1.2.1", dataSet: 0..<garbage.readableBytes)
        // A data set without SOP UIDs (a single element).
        var noUIDs = ByteBuffer()
        noUIDs.writeBytes([0x10, 0x00, 0x10, 0x00, 0x50, 0x4E, 4, 0, 0x41, 0x5E, 0x42, 0x20])
        let empty = StoreSCU.Item(
            name: "no-uids", source: BufferByteSource(noUIDs), sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
            sopInstanceUID: "1.2.3.4.6", transferSyntaxUID: "1.2.840.10008.1.2.1", dataSet: 0..<noUIDs.readableBytes)
        try await withListener(archive) { port in
            let results = try await StoreSCU.send([item, empty], host: "127.0.0.1", port: port, callingAETitle: "CT01", calledAETitle: "YINGYUN")
            #expect(results[0].status.category == .failure)
            #expect(results[0].status.rawValue & 0xF000 == 0xC000 || results[0].status.rawValue & 0xFF00 == 0xA900)
            #expect(results[1].status == .dataSetDoesNotMatchSOPClass)
        }
        #expect(try store.allDigests().isEmpty)
        #expect(try await archive.catalog.statistics().instances == 0)
    }

    @Test func sameUIDWithOtherBytesIsADuplicateFailure() async throws {
        let archive = Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory())
        // Same SOP Instance UID, other transfer syntax: other bytes.
        let a = try StoreSCU.item(name: "a", source: FileByteSource(path: Self.fixtures + "/ct_explicit_le.dcm"))
        let b = try StoreSCU.item(name: "b", source: FileByteSource(path: Self.fixtures + "/ct_implicit_le.dcm"))
        try #require(a.sopInstanceUID == b.sopInstanceUID)
        try await withListener(archive) { port in
            let results = try await StoreSCU.send([a, a, b], host: "127.0.0.1", port: port, callingAETitle: "CT01", calledAETitle: "YINGYUN")
            #expect(results.map(\.status) == [.success, .success, .duplicateSOPInstance])
        }
        #expect(try archive.store.allDigests().count == 1)
        #expect(try await archive.verify().isClean)
    }

    @Test func dataSetOfAnotherInstanceThanTheCommandsIsRefusedBeforeCommit() async throws {
        let store = InMemoryBlobStore()
        let archive = Archive(store: store, catalog: try SQLiteCatalog.inMemory())
        for name in ["ct_explicit_le.dcm", "ct_implicit_le.dcm", "ct_explicit_be.dcm"] {
            var item = try StoreSCU.item(name: name, source: FileByteSource(path: Self.fixtures + "/" + name))
            item.sopInstanceUID = "1.2.3.999"
            let sent = item
            try await withListener(archive) { port in
                let results = try await StoreSCU.send([sent], host: "127.0.0.1", port: port, callingAETitle: "CT01", calledAETitle: "YINGYUN")
                #expect(results.map(\.status) == [.dataSetDoesNotMatchSOPClass], "\(name)")
            }
        }
        #expect(try store.allDigests().isEmpty)
        #expect(try await archive.catalog.statistics().instances == 0)
    }

    @Test func identityIsReadFromTheFirstBytes() throws {
        for name in ["ct_explicit_le.dcm", "ct_implicit_le.dcm", "ct_explicit_be.dcm", "encapsulated_bot.dcm"] {
            let item = try StoreSCU.item(name: name, source: FileByteSource(path: Self.fixtures + "/" + name))
            let prefix = try item.source.bytes(at: item.dataSet.lowerBound, count: min(2048, item.dataSet.count))
            let id = DataSetIdentity.read(prefix, transferSyntaxUID: item.transferSyntaxUID)
            #expect(id?.sopInstance == item.sopInstanceUID, "\(name)")
            #expect(id?.sopClass == item.sopClassUID, "\(name)")
        }
        #expect(DataSetIdentity.read(ByteBuffer(bytes: [8, 0]), transferSyntaxUID: "1.2.840.10008.1.2.1") == nil)
    }

    /// A bare PatientID (no issuer, no trusted identifier) from two modalities configured with
    /// the same default issuer is one patient; without that configuration it is two.
    @Test(arguments: [true, false]) func aesDefaultIssuerReachesTheIdentityPolicy(_ configured: Bool) async throws {
        let directory = ApplicationEntityDirectory(strict: false, entities: [
            ApplicationEntity(aeTitle: "CT01", addresses: ["127.0.0.1"], defaultIssuerOfPatientID: "HOSP1"),
            ApplicationEntity(aeTitle: "CT02", addresses: ["127.0.0.1"], defaultIssuerOfPatientID: "HOSP1"),
        ])
        let issuers = configured ? ArchiveStoreHandler.defaultIssuers(directory).issuers : [:]
        let archive = Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory(policy: IdentityPolicy(defaultIssuerBySource: issuers)))
        let source = try DICOMFile.parse(FileByteSource.readAll(path: Self.fixtures + "/ct_explicit_le.dcm"))
        func bare(_ n: Int) throws -> StoreSCU.Item {
            var ds = source.dataSet
            for t in [Tag.issuerOfPatientID, Tag(0x0010, 0x0024), Tag(0x0010, 0x1002)] { ds[t] = nil }
            for t in [Tag.studyInstanceUID, Tag.seriesInstanceUID, Tag.sopInstanceUID] {
                ds[t] = DataElement(tag: t, vr: .UI, strings: ["1.2.826.0.1.3680043.2.1143.77.\(n).\(t.element)"])
            }
            let bytes = try Part10Writer(transferSyntax: .explicitVRLittleEndian).write(dataSet: ds)
            return try StoreSCU.item(name: "bare\(n)", source: BufferByteSource(bytes))
        }
        let (a, b) = (try bare(1), try bare(2))
        try await withListener(archive) { port in
            let r1 = try await StoreSCU.send([a], host: "127.0.0.1", port: port, callingAETitle: "CT01", calledAETitle: "YINGYUN")
            let r2 = try await StoreSCU.send([b], host: "127.0.0.1", port: port, callingAETitle: "CT02", calledAETitle: "YINGYUN")
            #expect((r1 + r2).map(\.status) == [.success, .success])
        }
        let stats = try await archive.catalog.statistics()
        #expect(stats.studies == 2)
        #expect(stats.masterPatients == (configured ? 1 : 2))
    }

    @Test func defaultIssuersAreKeyedBySourceLabel() {
        let dir = ApplicationEntityDirectory(strict: true, entities: [
            ApplicationEntity(aeTitle: "CT01", addresses: ["10.0.0.5", "10.0.0.6"], defaultIssuerOfPatientID: "HOSP1"),
            ApplicationEntity(aeTitle: "MR02", defaultIssuerOfPatientID: "HOSP2"),
            ApplicationEntity(aeTitle: "US03", addresses: ["10.0.0.9"]),
        ])
        let (issuers, unkeyed) = ArchiveStoreHandler.defaultIssuers(dir)
        #expect(issuers == ["DIMSE:CT01@10.0.0.5": "HOSP1", "DIMSE:CT01@10.0.0.6": "HOSP1"])
        #expect(unkeyed == ["MR02"])
    }

    @Test func fileMetaIsValidPart10() throws {
        let header = FileMetaInformation.header(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: "1.2.3", transferSyntaxUID: "1.2.840.10008.1.2")
        let file = try DICOMFile.parse(header)
        #expect(file.hasPreamble)
        #expect(file.transferSyntax.uid == "1.2.840.10008.1.2")
        #expect(file.dataSetOffset == header.readableBytes)
        #expect(file.fileMetaInformation[.mediaStorageSOPInstanceUID]?.stringValue(characterSet: .default).map(UID.trimmed) == "1.2.3")
    }
}
