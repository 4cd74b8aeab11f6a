import Foundation
import Testing
@testable import YingyunCatalog
import YingyunDICOM

@Suite struct RegistrationTests {
    @Test func duplicateConflictAndReplace() async throws {
        let c = try SQLiteCatalog.inMemory()
        let i = TestInstance()
        #expect(try await c.register(i.record(digest: "aa"), onConflict: .reject) == .stored)
        #expect(try await c.register(i.record(digest: "aa"), onConflict: .reject) == .duplicate)
        #expect(try await c.register(i.record(digest: "aa"), onConflict: .replace) == .duplicate)
        await #expect(throws: CatalogError.conflict(sopInstanceUID: i.sop, storedDigest: "aa")) {
            try await c.register(i.record(digest: "bb"), onConflict: .reject)
        }
        #expect(try await c.instance(sopInstanceUID: i.sop)?.digest == "aa")
        #expect(try await c.register(i.record(digest: "bb"), onConflict: .replace) == .replaced(previousDigest: "aa"))
        #expect(try await c.instance(sopInstanceUID: i.sop)?.digest == "bb")
        #expect(try await c.referencedDigests() == ["aa", "bb"])
        let s = try await c.statistics()
        #expect(s.instances == 1 && s.series == 1 && s.studies == 1 && s.masterPatients == 1)
        let study = try await c.search(CatalogQuery(level: .study)).matches
        #expect(study.first?.string(.numberOfStudyRelatedInstances) == "1")
    }

    @Test func batchRegistrationIsOneTransactionWithPerRecordOutcomes() async throws {
        let c = try SQLiteCatalog.inMemory()
        let first = TestInstance()
        _ = try await c.register(first.record(digest: "aa"), onConflict: .reject)
        var second = TestInstance()
        second.sop = "1.2.3.1.1.2"
        second.instanceNumber = 2
        var noUID = TestInstance()
        noUID.sop = ""
        let results = try await c.register(
            [second.record(digest: "cc"), first.record(digest: "bb"), noUID.record(digest: "dd"), first.record(digest: "aa")],
            onConflict: .reject)
        #expect(results.count == 4)
        #expect(try results[0].get() == .stored)
        #expect(throws: CatalogError.conflict(sopInstanceUID: first.sop, storedDigest: "aa")) { try results[1].get() }
        #expect(throws: CatalogError.missingAttribute(keyword: "SOPInstanceUID")) { try results[2].get() }
        #expect(try results[3].get() == .duplicate)
        #expect(try await c.statistics().instances == 2)
        #expect(try await c.referencedDigests() == ["aa", "cc"])
    }

    @Test func replaceIntoAnotherSeriesMovesCounts() async throws {
        let c = try SQLiteCatalog.inMemory()
        var i = TestInstance()
        _ = try await c.register(i.record(digest: "aa"), onConflict: .reject)
        i.series = "1.2.3.1.2"
        i.modality = "MR"
        #expect(try await c.register(i.record(digest: "bb"), onConflict: .replace) == .replaced(previousDigest: "aa"))
        let series = try await c.search(CatalogQuery(level: .series, studyInstanceUID: i.study)).matches
        #expect(series.map { $0.string(.seriesInstanceUID) } == ["1.2.3.1.2"])
        let study = try await c.search(CatalogQuery(level: .study)).matches
        #expect(study.first?.string(.modalitiesInStudy) == "MR")
        #expect(study.first?.string(.numberOfStudyRelatedSeries) == "1")
    }

    @Test func countsAndModalitiesInStudy() async throws {
        let c = try SQLiteCatalog.inMemory()
        let specs: [(String, String, String?)] = [
            ("1.2.3.1.1", "1.2.3.1.1.1", "CT"), ("1.2.3.1.1", "1.2.3.1.1.2", "CT"),
            ("1.2.3.1.2", "1.2.3.1.2.1", "SR"), ("1.2.3.1.3", "1.2.3.1.3.1", "CT"),
            ("1.2.3.1.4", "1.2.3.1.4.1", nil),
        ]
        for s in specs {
            var i = TestInstance(series: s.0, sop: s.1, modality: s.2)
            i.seriesNumber = Int(s.0.split(separator: ".").last!)!
            _ = try await c.register(i.record(), onConflict: .reject)
        }
        let study = try #require(try await c.search(CatalogQuery(level: .study)).matches.first)
        #expect(study.string(.modalitiesInStudy) == "CT\\SR")
        #expect(study[.modalitiesInStudy]?.stringValues(characterSet: .utf8) == ["CT", "SR"])
        #expect(study.string(.numberOfStudyRelatedSeries) == "4")
        #expect(study.string(.numberOfStudyRelatedInstances) == "5")
        let series = try await c.search(CatalogQuery(level: .series, studyInstanceUID: "1.2.3.1")).matches
        #expect(series.map { $0.string(.numberOfSeriesRelatedInstances) } == ["2", "1", "1", "1"])
        let stats = try await c.statistics()
        #expect(stats.instances == 5 && stats.series == 4 && stats.totalBytes == 5 * 525_288)
    }

    @Test func laterInstancesFillButNeverBlankStudyAttributes() async throws {
        let c = try SQLiteCatalog.inMemory()
        var first = TestInstance()
        first.studyDescription = nil
        _ = try await c.register(first.record(), onConflict: .reject)
        var second = TestInstance(sop: "1.2.3.1.1.2")
        second.accession = nil
        second.studyDescription = "CT HEAD W/O"
        _ = try await c.register(second.record(), onConflict: .reject)
        let study = try #require(try await c.search(CatalogQuery(level: .study)).matches.first)
        #expect(study.string(.accessionNumber) == "ACC1")
        #expect(study.string(.studyDescription) == "CT HEAD W/O")
    }

    @Test(arguments: [
        (YingyunDICOM.Tag.studyInstanceUID, "StudyInstanceUID"), (.seriesInstanceUID, "SeriesInstanceUID"),
        (.sopInstanceUID, "SOPInstanceUID"), (.sopClassUID, "SOPClassUID"),
    ])
    func missingIdentifyingAttribute(tag: YingyunDICOM.Tag, keyword: String) async throws {
        let c = try SQLiteCatalog.inMemory()
        var ds = TestInstance().dataSet
        ds[tag] = text(tag, "")  // present but empty counts as missing
        var record = TestInstance().record()
        record.dataSet = ds
        await #expect(throws: CatalogError.missingAttribute(keyword: keyword)) {
            try await c.register(record, onConflict: .reject)
        }
        ds[tag] = nil
        record.dataSet = ds
        await #expect(throws: CatalogError.missingAttribute(keyword: keyword)) {
            try await c.register(record, onConflict: .reject)
        }
        #expect(try await c.statistics().instances == 0)
    }

    @Test func seriesOfAnotherStudyIsRejected() async throws {
        let c = try SQLiteCatalog.inMemory()
        _ = try await c.register(TestInstance().record(), onConflict: .reject)
        let stray = TestInstance(study: "9.9.9", sop: "9.9.9.1")
        await #expect(throws: CatalogError.self) { try await c.register(stray.record(), onConflict: .reject) }
        do {
            _ = try await c.register(stray.record(), onConflict: .reject)
        } catch let CatalogError.invalidAttribute(keyword, _) {
            #expect(keyword == "SeriesInstanceUID")
        }
        let s = try await c.statistics()
        #expect(s.studies == 1 && s.instances == 1 && s.masterPatients == 1)
    }

    @Test func storedInstancesKeepFramesAndWADOOrder() async throws {
        let c = try SQLiteCatalog.inMemory()
        let frames: [[Range<Int>]] = [[2000..<3000, 3008..<3500], [3508..<4000]]
        let layout: [(String, Int, String, Int?)] = [
            ("1.2.3.1.2", 2, "1.2.3.1.2.9", 1), ("1.2.3.1.1", 1, "1.2.3.1.1.5", 10),
            ("1.2.3.1.1", 1, "1.2.3.1.1.4", 2), ("1.2.3.1.1", 1, "1.2.3.1.1.3", nil),
        ]
        for (series, number, sop, instanceNumber) in layout {
            var i = TestInstance(series: series, sop: sop)
            i.seriesNumber = number
            i.instanceNumber = instanceNumber
            _ = try await c.register(i.record(frames: frames), onConflict: .reject)
        }
        let all = try await c.instances(studyInstanceUID: "1.2.3.1", seriesInstanceUID: nil, sopInstanceUID: nil)
        #expect(all.map(\.sopInstanceUID) == ["1.2.3.1.1.4", "1.2.3.1.1.5", "1.2.3.1.1.3", "1.2.3.1.2.9"])
        #expect(all[0].frames == frames && all[0].pixelDataOffset == 1000 && all[0].instanceNumber == 2)
        #expect(all[0].transferSyntaxUID == "1.2.840.10008.1.2.1" && all[0].seriesInstanceUID == "1.2.3.1.1")
        let one = try await c.instances(studyInstanceUID: "1.2.3.1", seriesInstanceUID: "1.2.3.1.2", sopInstanceUID: nil)
        #expect(one.map(\.sopInstanceUID) == ["1.2.3.1.2.9"])
        let exact = try await c.instances(
            studyInstanceUID: "1.2.3.1", seriesInstanceUID: nil, sopInstanceUID: "1.2.3.1.1.5")
        #expect(exact.count == 1)
        #expect(try await c.instances(studyInstanceUID: "nope", seriesInstanceUID: nil, sopInstanceUID: nil).isEmpty)
        #expect(try await c.instance(sopInstanceUID: "1.2.3.1.1.3")?.instanceNumber == nil)
        #expect(try await c.instance(sopInstanceUID: "missing") == nil)
    }

    @Test func fileDatabaseUsesWALAndPersists() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("catalog.sqlite")
        do {
            let c = try SQLiteCatalog(path: path)
            _ = try await c.register(TestInstance().record(), onConflict: .reject)
            #expect(try await c.journalMode() == "wal")
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        }
        let reopened = try SQLiteCatalog(path: path)
        #expect(try await reopened.statistics().instances == 1)
        #expect(try await reopened.register(TestInstance().record(), onConflict: .reject) == .duplicate)
    }
}
