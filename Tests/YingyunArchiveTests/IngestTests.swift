import Foundation
import NIOCore
import Testing
import YingyunArchive
import YingyunCatalog
import YingyunDICOM
import YingyunDICOMIO
import YingyunStore

/// The ingest pipeline over the in-memory blob store and an in-memory SQLite catalog.
@Suite struct IngestTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/dicom").path

    static func bytes(_ name: String) throws -> ByteBuffer {
        try FileByteSource.readAll(path: fixtures + "/" + name)
    }

    static func archive(_ policy: ConflictPolicy = .reject) throws -> Archive {
        Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory(), conflictPolicy: policy)
    }

    /// Feeds `buffer` in small chunks, as a network would.
    static func ingest(_ archive: Archive, _ buffer: ByteBuffer, study: String? = nil) async throws -> Result<IngestedInstance, IngestFailure> {
        let session = try archive.beginIngest(source: "TEST", expectedStudyInstanceUID: study)
        var rest = buffer
        while rest.readableBytes > 0 {
            let chunk = rest.readSlice(length: min(777, rest.readableBytes))!
            try await session.write(chunk)
        }
        return await session.finish()
    }

    @Test func storesAndIndexesAFile() async throws {
        let a = try Self.archive()
        let raw = try Self.bytes("ct_explicit_le.dcm")
        let i = try await Self.ingest(a, raw).get()
        #expect(i.outcome == .stored)
        #expect(!i.blobDeduplicated)
        #expect(i.size == raw.readableBytes)
        let row = try #require(try await a.catalog.instance(sopInstanceUID: i.sopInstanceUID))
        #expect(row.digest == i.digest)
        #expect(row.transferSyntaxUID == "1.2.840.10008.1.2.1")
        let reader = try a.store.reader(for: BlobDigest(hex: i.digest)!)
        #expect(try reader.read(at: 0, count: reader.size) == raw)
        #expect(try await a.verify().isClean)
    }

    @Test func identicalResendIsADuplicateAndStoresNothingNew() async throws {
        let a = try Self.archive()
        let raw = try Self.bytes("ct_explicit_le.dcm")
        _ = try await Self.ingest(a, raw).get()
        let again = try await Self.ingest(a, raw).get()
        #expect(again.outcome == .duplicate)
        #expect(again.blobDeduplicated)
        #expect(try a.store.allDigests().count == 1)
    }

    @Test func differentBytesForAStoredUIDAreRefusedAndLeaveNoBlob() async throws {
        let a = try Self.archive()
        _ = try await Self.ingest(a, try Self.bytes("ct_explicit_le.dcm")).get()
        // Same data set, other transfer syntax: same SOP Instance UID, different bytes.
        let result = try await Self.ingest(a, try Self.bytes("ct_implicit_le.dcm"))
        guard case .failure(let f) = result else { Issue.record("accepted a conflicting instance"); return }
        #expect(f.reason == .duplicateSOPInstance)
        #expect(try a.store.allDigests().count == 1)
        #expect(try await a.verify().isClean)
    }

    @Test func replacePolicyKeepsTheOldBlobInHistory() async throws {
        let a = try Self.archive(.replace)
        let first = try await Self.ingest(a, try Self.bytes("ct_explicit_le.dcm")).get()
        let second = try await Self.ingest(a, try Self.bytes("ct_implicit_le.dcm")).get()
        #expect(second.outcome == .replaced(previousDigest: first.digest))
        #expect(try a.store.allDigests().count == 2)
        #expect(try await a.catalog.instance(sopInstanceUID: first.sopInstanceUID)?.digest == second.digest)
        #expect(try await a.verify().isClean)
    }

    @Test func notDICOMIsCannotUnderstand() async throws {
        let a = try Self.archive()
        let result = try await Self.ingest(a, ByteBuffer(string: String(repeating: "not dicom at all ", count: 100)))
        guard case .failure(let f) = result else { Issue.record("accepted garbage"); return }
        #expect(f.reason == .cannotUnderstand)
        #expect(try a.store.allDigests().isEmpty)
    }

    @Test func truncatedObjectIsRefused() async throws {
        let a = try Self.archive()
        var raw = try Self.bytes("ct_explicit_le.dcm")
        raw.moveWriterIndex(to: raw.readerIndex + raw.readableBytes - 100)
        let result = try await Self.ingest(a, raw)
        guard case .failure(let f) = result else { Issue.record("accepted a truncated object"); return }
        #expect(f.reason == .cannotUnderstand)
        #expect(try a.store.allDigests().isEmpty)
    }

    @Test func missingSOPInstanceUIDIsRefused() async throws {
        let a = try Self.archive()
        let file = try DICOMFile.parse(try Self.bytes("ct_explicit_le.dcm"))
        var ds = file.dataSet
        ds[.sopInstanceUID] = nil
        let raw = try Part10Writer().write(dataSet: ds, fileMetaInformation: file.fileMetaInformation)
        let result = try await Self.ingest(a, raw)
        guard case .failure(let f) = result else { Issue.record("accepted an instance without SOP Instance UID"); return }
        #expect(f.reason == .dataSetDoesNotMatchSOPClass)
        #expect(f.message.contains("SOPInstanceUID"))
        #expect(try a.store.allDigests().isEmpty)
    }

    @Test func studyMustMatchTheURL() async throws {
        let a = try Self.archive()
        let result = try await Self.ingest(a, try Self.bytes("ct_explicit_le.dcm"), study: "1.2.3.4")
        guard case .failure(let f) = result else { Issue.record("accepted an instance of another study"); return }
        #expect(f.reason == .dataSetDoesNotMatchSOPClass)
        #expect(f.sopInstanceUID != nil)
        #expect(try a.store.allDigests().isEmpty)
    }

    @Test func abortedUploadLeavesNothing() async throws {
        let a = try Self.archive()
        let session = try a.beginIngest(source: "TEST")
        try await session.write(try Self.bytes("ct_explicit_le.dcm"))
        session.abort()
        #expect(try a.store.allDigests().isEmpty)
        #expect(try await a.catalog.statistics().instances == 0)
    }

    @Test func nativeFramesAreLocatedAtIngest() async throws {
        let a = try Self.archive()
        let raw = try Self.bytes("multiframe_native.dcm")
        let i = try await Self.ingest(a, raw).get()
        let row = try #require(try await a.catalog.instance(sopInstanceUID: i.sopInstanceUID))
        #expect(row.frames.count == 3)
        let file = try DICOMFile.parse(raw)
        guard case .bytes(let pixels)? = file.dataSet[.pixelData]?.value else {
            // Parsed with the default threshold the 1.5 KB pixel data is in memory.
            Issue.record("pixel data not in memory"); return
        }
        var all = ByteBuffer()
        for f in row.frames {
            for r in f { all.writeImmutableBuffer(raw.getSlice(at: raw.readerIndex + r.lowerBound, length: r.count)!) }
        }
        #expect(all == pixels)
    }

    @Test func encapsulatedFramesAreTheirFragments() async throws {
        let a = try Self.archive()
        let raw = try Self.bytes("encapsulated_bot.dcm")
        let i = try await Self.ingest(a, raw).get()
        let row = try #require(try await a.catalog.instance(sopInstanceUID: i.sopInstanceUID))
        let file = try DICOMFile.parse(raw)
        guard case .encapsulated(let e)? = file.dataSet[.pixelData]?.value else { Issue.record("not encapsulated"); return }
        #expect(row.frames == (0..<e.frames.count).map { e.frameByteRanges($0) })
        #expect(row.frames.count == 3)
        #expect(row.frames.allSatisfy { $0.count == 2 })
    }

    @Test func recoveryIndexesOrphansAndRemovesGarbage() async throws {
        let a = try Self.archive()
        // A crash between blob commit and catalog commit leaves an object without a row.
        let w1 = try a.store.makeWriter()
        try await w1.write(try Self.bytes("ct_explicit_le.dcm"))
        _ = try await w1.commit()
        let w2 = try a.store.makeWriter()
        try await w2.write(ByteBuffer(string: "torn"))
        _ = try await w2.commit()
        #expect(try await a.verify().orphaned.count == 2)
        let report = try await a.recover()
        #expect(report.reindexed == 1)
        #expect(report.removed == 1)
        #expect(try await a.verify().isClean)
        #expect(try await a.catalog.statistics().instances == 1)
    }
}
