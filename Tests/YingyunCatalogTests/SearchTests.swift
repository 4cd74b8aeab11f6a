import NIOCore
import Testing
import YingyunCatalog
import YingyunDICOM

@Suite struct SearchTests {
    /// Four studies with names in several scripts and SQL metacharacters in accession numbers.
    static func catalog(_ c: SQLiteCatalog? = nil) async throws -> SQLiteCatalog {
        let c = try c ?? SQLiteCatalog.inMemory()
        var s1 = TestInstance(study: "1.1", series: "1.1.1", sop: "1.1.1.1", patientID: "P1")
        s1.patientName = "Zhang^Wei=张^伟=zhang^wei"
        s1.accession = "ACC_1%"
        s1.extra = [
            text(.referringPhysicianName, "Li^Na"),
            DataElement(tag: .requestAttributesSequence, items: [
                DataSet([text(.requestedProcedureID, "RP-7"), text(.scheduledProcedureStepID, "SPS-9")])
            ]),
        ]
        var s2 = TestInstance(study: "2.1", series: "2.1.1", sop: "2.1.1.1", patientID: "P2")
        s2.patientName = "Wang^Fang=王^芳"
        s2.studyDate = "20231231"
        s2.studyTime = "153000"
        s2.accession = "ACC-2"
        s2.studyDescription = "MR KNEE"
        s2.modality = "MR"
        s2.seriesNumber = 3
        var s3 = TestInstance(study: "3.1", series: "3.1.1", sop: "3.1.1.1", patientID: "P3")
        s3.patientName = "Müller^Émile"
        s3.studyDate = "20240601"
        s3.accession = "ACCX1"
        s3.studyDescription = "CT CHEST [contrast]"
        var s3sr = s3
        s3sr.series = "3.1.2"
        s3sr.sop = "3.1.2.1"
        s3sr.modality = "SR"
        s3sr.seriesNumber = 2
        s3sr.rows = nil
        var s4 = TestInstance(study: "4.1", series: "4.1.1", sop: "4.1.1.1", patientID: "P4")
        s4.patientName = "ZHANG^SAN"
        s4.studyDate = nil
        s4.accession = "ACC%1"
        for i in [s1, s2, s3, s3sr, s4] { _ = try await c.register(i.record(), onConflict: .reject) }
        // A second instance in study 1 to exercise instance ordering.
        var s1b = s1
        s1b.sop = "1.1.1.2"
        s1b.instanceNumber = 2
        _ = try await c.register(s1b.record(), onConflict: .reject)
        return c
    }

    func studies(_ c: SQLiteCatalog, _ keys: [(YingyunDICOM.Tag, String)], fuzzy: Bool = false) async throws -> [String] {
        let q = CatalogQuery(level: .study, matchKeys: keys.map { (tag: $0.0, value: $0.1) }, fuzzyMatching: fuzzy)
        return try await c.search(q).matches.map { $0.string(.studyInstanceUID) ?? "?" }
    }

    @Test func universalMatchingOrdersByDateDescending() async throws {
        let c = try await Self.catalog()
        #expect(try await studies(c, []) == ["3.1", "1.1", "2.1", "4.1"])
        #expect(try await studies(c, [(.patientName, "")]) == ["3.1", "1.1", "2.1", "4.1"])
        #expect(try await studies(c, [(.accessionNumber, "*")]) == ["3.1", "1.1", "2.1", "4.1"])
    }

    @Test func personNameIsCaseInsensitiveAcrossComponentGroups() async throws {
        let c = try await Self.catalog()
        #expect(try await studies(c, [(.patientName, "zhang*")]) == ["1.1", "4.1"])
        #expect(try await studies(c, [(.patientName, "张^伟")]) == ["1.1"])
        #expect(try await studies(c, [(.patientName, "张*")]) == ["1.1"])
        #expect(try await studies(c, [(.patientName, "=王^芳")]) == ["2.1"])
        #expect(try await studies(c, [(.patientName, "王^芳")]) == ["2.1"])
        #expect(try await studies(c, [(.patientName, "ZHANG^WEI")]) == ["1.1"])
        #expect(try await studies(c, [(.patientName, "müller^émile")]) == ["3.1"])
        #expect(try await studies(c, [(.patientName, "Wei")]).isEmpty)
        #expect(try await studies(c, [(.referringPhysicianName, "li^na")]) == ["1.1"])
    }

    @Test func fuzzyMatchingMatchesComponentPrefixesIgnoringAccents() async throws {
        let c = try await Self.catalog()
        #expect(try await studies(c, [(.patientName, "wei")], fuzzy: true) == ["1.1"])
        #expect(try await studies(c, [(.patientName, "emil")], fuzzy: true) == ["3.1"])
        #expect(try await studies(c, [(.patientName, "伟")], fuzzy: true) == ["1.1"])
        #expect(try await studies(c, [(.patientName, "zha^s")], fuzzy: true) == ["4.1"])
        #expect(try await studies(c, [(.patientName, "zh")], fuzzy: true) == ["1.1", "4.1"])
    }

    @Test func wildcardsAreCaseSensitiveAndEscapeSQLMetacharacters() async throws {
        let c = try await Self.catalog()
        #expect(try await studies(c, [(.accessionNumber, "ACC%1")]) == ["4.1"])
        #expect(try await studies(c, [(.accessionNumber, "ACC_1*")]) == ["1.1"])
        #expect(try await studies(c, [(.accessionNumber, "ACC?1")]) == ["3.1", "4.1"])
        #expect(try await studies(c, [(.accessionNumber, "acc*")]).isEmpty)
        #expect(try await studies(c, [(.accessionNumber, "*-2")]) == ["2.1"])
        #expect(try await studies(c, [(.studyDescription, "*[contrast]")]) == ["3.1"])
        #expect(try await studies(c, [(.studyDescription, "CT*")]) == ["3.1", "1.1", "4.1"])
        #expect(try await studies(c, [(.patientID, "P1")]) == ["1.1"])
        #expect(try await studies(c, [(.patientID, "P1"), (.studyDescription, "MR*")]).isEmpty)
    }

    @Test func dateAndTimeRanges() async throws {
        let c = try await Self.catalog()
        #expect(try await studies(c, [(.studyDate, "20240101-20241231")]) == ["3.1", "1.1"])
        #expect(try await studies(c, [(.studyDate, "-20231231")]) == ["2.1"])
        #expect(try await studies(c, [(.studyDate, "20240201-")]) == ["3.1"])
        #expect(try await studies(c, [(.studyDate, "20240105")]) == ["1.1"])
        #expect(try await studies(c, [(.studyDate, "2024.01.05")]) == ["1.1"])
        #expect(try await studies(c, [(.studyTime, "1500-")]) == ["2.1"])
        #expect(try await studies(c, [(.studyTime, "1000-1015")]) == ["3.1", "1.1", "4.1"])
        #expect(try await studies(c, [(.studyTime, "-1014")]).isEmpty)
        await #expect(throws: CatalogError.self) { try await studies(c, [(.studyDate, "2024-xx")]) }
    }

    @Test func uidListsAndModalitiesInStudy() async throws {
        let c = try await Self.catalog()
        #expect(try await studies(c, [(.studyInstanceUID, "1.1\\3.1")]) == ["3.1", "1.1"])
        #expect(try await studies(c, [(.studyInstanceUID, "2.1")]) == ["2.1"])
        #expect(try await studies(c, [(.modalitiesInStudy, "SR")]) == ["3.1"])
        #expect(try await studies(c, [(.modalitiesInStudy, "MR\\SR")]) == ["3.1", "2.1"])
        #expect(try await studies(c, [(.modalitiesInStudy, "S*")]) == ["3.1"])
    }

    @Test func studyResultCarriesRequiredAttributesWithDictionaryVRs() async throws {
        let c = try await Self.catalog()
        let result = try await c.search(
            CatalogQuery(level: .study, matchKeys: [(tag: .studyInstanceUID, value: "1.1")]))
        let ds = try #require(result.matches.first)
        #expect(ds.string(.specificCharacterSet) == "ISO_IR 192")
        #expect(ds.string(.patientName) == "Zhang^Wei=张^伟=zhang^wei")
        #expect(ds[.patientName]?.vr == .PN)
        #expect(ds[.studyDate]?.vr == .DA && ds.string(.studyDate) == "20240105")
        #expect(ds[.numberOfStudyRelatedInstances]?.vr == .IS && ds.string(.numberOfStudyRelatedInstances) == "2")
        #expect(ds[.studyInstanceUID]?.vr == .UI)
        #expect(ds.contains(.studyID) && ds[.studyID]?.bytes?.readableBytes == 0)  // required, empty
        #expect(!ds.contains(.modality))
        for e in ds.elements { #expect((e.bytes?.readableBytes ?? 0) % 2 == 0) }
        #expect(ds[.studyInstanceUID]?.bytes.map { Array($0.readableBytesView) } == Array("1.1\0".utf8))
    }

    @Test func includeFieldsAndIncludeAll() async throws {
        let c = try await Self.catalog()
        var q = CatalogQuery(level: .study, matchKeys: [(tag: .studyInstanceUID, value: "1.1")],
                             includeFields: [.issuerOfPatientID, .institutionName])
        var ds = try #require(try await c.search(q).matches.first)
        #expect(ds.string(.issuerOfPatientID) == "HOSP-A")
        #expect(ds.contains(.institutionName))
        q = CatalogQuery(level: .series, studyInstanceUID: "1.1", includeAll: true)
        ds = try #require(try await c.search(q).matches.first)
        #expect(ds.string(.studyDescription) == "CT HEAD")
        #expect(ds.string(.patientID) == "P1")
        #expect(ds.contains(.bodyPartExamined))
        let request = try #require(ds[.requestAttributesSequence]?.items?.first)
        #expect(request.string(.requestedProcedureID) == "RP-7")
        #expect(request.string(.scheduledProcedureStepID) == "SPS-9")
    }

    @Test func seriesAndInstancesOutsideAStudyCarryStudyAttributes() async throws {
        let c = try await Self.catalog()
        let series = try await c.search(CatalogQuery(level: .series, matchKeys: [(tag: .modality, value: "CT")]))
        #expect(series.matches.map { $0.string(.seriesInstanceUID) } == ["3.1.1", "1.1.1", "4.1.1"])
        #expect(series.matches.first?.string(.patientName) == "Müller^Émile")
        #expect(series.matches.first?.string(.studyInstanceUID) == "3.1")
        let scoped = try await c.search(CatalogQuery(level: .series, studyInstanceUID: "3.1"))
        #expect(scoped.matches.map { $0.string(.seriesInstanceUID) } == ["3.1.1", "3.1.2"])
        #expect(scoped.matches.first?.contains(.patientName) == false)
        #expect(try await c.search(CatalogQuery(level: .series, matchKeys: [(tag: .seriesNumber, value: "3")]))
            .matches.map { $0.string(.studyInstanceUID) } == ["2.1"])
        await #expect(throws: CatalogError.self) {
            try await c.search(CatalogQuery(level: .series, matchKeys: [(tag: .seriesNumber, value: "three")]))
        }

        let instances = try await c.search(CatalogQuery(level: .instance, studyInstanceUID: "1.1"))
        #expect(instances.matches.map { $0.string(.sopInstanceUID) } == ["1.1.1.1", "1.1.1.2"])
        let first = try #require(instances.matches.first)
        #expect(first[.rows]?.vr == .US && first[.rows]?.intValue == 512)
        #expect(first.string(.modality) == "CT")  // series not fixed by the URL
        #expect(first.string(.seriesInstanceUID) == "1.1.1")
        #expect(!first.contains(.patientName))
        let all = try await c.search(CatalogQuery(level: .instance, matchKeys: [(tag: .sopClassUID, value: "1.2.840.10008.5.1.4.1.1.2")]))
        #expect(all.matches.count == 6)
        #expect(all.matches.first?.contains(.patientName) == true)
        let byNumber = try await c.search(
            CatalogQuery(level: .instance, studyInstanceUID: "1.1", matchKeys: [(tag: .instanceNumber, value: "2")]))
        #expect(byNumber.matches.map { $0.string(.sopInstanceUID) } == ["1.1.1.2"])
    }

    @Test func limitOffsetAndTotal() async throws {
        let c = try await Self.catalog()
        let page = try await c.search(CatalogQuery(level: .study, limit: 2, offset: 1))
        #expect(page.matches.map { $0.string(.studyInstanceUID) } == ["1.1", "2.1"])
        #expect(page.totalBeforeLimit == 4)
        let tail = try await c.search(CatalogQuery(level: .study, limit: 10, offset: 3))
        #expect(tail.matches.map { $0.string(.studyInstanceUID) } == ["4.1"])
        #expect(try await c.search(CatalogQuery(level: .study, offset: 9)).matches.isEmpty)
    }

    @Test func unsupportedKeysAndMasterScope() async throws {
        let c = try await Self.catalog()
        let ethnicGroup = YingyunDICOM.Tag(0x0010, 0x2160)
        let r = try await c.search(
            CatalogQuery(level: .study, matchKeys: [(tag: ethnicGroup, value: "X"), (tag: .numberOfStudyRelatedSeries, value: "2")]))
        #expect(r.unsupportedKeys == [ethnicGroup, .numberOfStudyRelatedSeries])
        #expect(r.matches.count == 4)
        let master = try #require(try await c.masterPatientID(forStudy: "3.1"))
        #expect(try await c.search(CatalogQuery(level: .study, masterPatientID: master)).matches.count == 1)
        #expect(try await c.search(CatalogQuery(level: .study, masterPatientID: "not-an-id")).matches.isEmpty)
    }

    @Test func fileCatalogAnswersLikeTheInMemoryTwin() async throws {
        let dir = try TemporaryDirectory()
        let file = try await Self.catalog(SQLiteCatalog(path: dir.path("catalog.sqlite")))
        let memory = try await Self.catalog()
        let queries: [[(YingyunDICOM.Tag, String)]] = [
            [], [(.patientName, "zhang*")], [(.studyDate, "20240101-")], [(.accessionNumber, "ACC?1")],
            [(.modalitiesInStudy, "SR")],
        ]
        for q in queries {
            #expect(try await studies(file, q) == studies(memory, q))
        }
        let a = try await file.search(CatalogQuery(level: .instance, studyInstanceUID: "1.1", includeAll: true))
        let b = try await memory.search(CatalogQuery(level: .instance, studyInstanceUID: "1.1", includeAll: true))
        #expect(a.matches.map { $0.elements.map(\.tag) } == b.matches.map { $0.elements.map(\.tag) })
    }

    @Test func namesReceivedInGB18030AreStoredAndReturnedAsUTF8() async throws {
        let c = try SQLiteCatalog.inMemory()
        var ds = TestInstance(patientName: nil).dataSet
        ds[.specificCharacterSet] = text(.specificCharacterSet, "GB18030")
        var bytes = try #require(SpecificCharacterSet.gb18030.encode("Zhang^Wei=张^伟", vr: .PN))
        if bytes.count % 2 == 1 { bytes.append(0x20) }
        ds[.patientName] = DataElement(tag: .patientName, vr: .PN, bytes: ByteBuffer(bytes: bytes))
        var record = TestInstance().record()
        record.dataSet = ds
        _ = try await c.register(record, onConflict: .reject)
        let r = try await c.search(CatalogQuery(level: .study, matchKeys: [(tag: .patientName, value: "张^伟")]))
        #expect(r.matches.first?.string(.patientName) == "Zhang^Wei=张^伟")
        #expect(r.matches.first?.string(.specificCharacterSet) == "ISO_IR 192")
    }
}
