import YingyunDICOM

/// The values the catalog keeps from one instance's data set, decoded to UTF-8 once.
/// Empty values are nil: the database stores NULL for them.
struct IndexedAttributes: Sendable {
    // Patient
    var patientID: String?
    var issuerOfPatientID: String?
    var patientName: String?
    var patientBirthDate: String?
    var patientSex: String?
    /// OtherPatientIDsSequence items as (issuer, value); items without a value are skipped.
    var otherPatientIDs: [(issuer: String?, value: String)] = []
    // Study
    var studyInstanceUID: String
    var studyDate: String?
    var studyTime: String?
    var accessionNumber: String?
    var accessionIssuer: String?
    var referringPhysicianName: String?
    var studyID: String?
    var studyDescription: String?
    var institutionName: String?
    /// ProcedureCodeSequence CodeValues (exam items for prior-study lookup).
    var procedureCodes: [String] = []
    // Series
    var seriesInstanceUID: String
    var modality: String?
    var seriesNumber: Int?
    var seriesDescription: String?
    var bodyPartExamined: String?
    var performedProcedureStepStartDate: String?
    var performedProcedureStepStartTime: String?
    var scheduledProcedureStepID: String?
    var requestedProcedureID: String?
    var seriesDate: String?
    var seriesTime: String?
    var stationName: String?
    // Instance
    var sopInstanceUID: String
    var sopClassUID: String
    var instanceNumber: Int?
    var rows: Int?
    var columns: Int?
    var bitsAllocated: Int?
    var numberOfFrames: Int?
    var contentDate: String?
    var contentTime: String?
    var acquisitionDateTime: String?

    /// - Throws: `CatalogError.missingAttribute` when one of the four identifying UIDs is absent.
    init(_ ds: DataSet) throws {
        let cs = SpecificCharacterSet(element: ds[.specificCharacterSet])
        func text(_ tag: Tag, in set: DataSet = ds, _ charset: SpecificCharacterSet? = nil) -> String? {
            guard let e = set[tag], let s = e.stringValue(characterSet: charset ?? cs), !s.isEmpty else { return nil }
            return s
        }
        func required(_ tag: Tag, _ keyword: String) throws -> String {
            guard let v = text(tag) else { throw CatalogError.missingAttribute(keyword: keyword) }
            return v
        }
        func integer(_ tag: Tag, in set: DataSet = ds) -> Int? {
            guard let e = set[tag] else { return nil }
            if e.vr == .IS || e.vr == .DS {
                // IS may carry "+12" or padding; DS "12.0" is tolerated as an integer.
                guard let s = e.stringValue(characterSet: .default) else { return nil }
                let first = s.split(separator: "\\").first.map(String.init) ?? s
                return Int(first.trimmingSpaces) ?? Double(first.trimmingSpaces).flatMap { Int(exactly: $0) }
            }
            return e.intValue
        }
        /// Items decode with their own (0008,0005) when they carry one (PS3.5 §7.5).
        func itemCharset(_ item: DataSet) -> SpecificCharacterSet {
            item.contains(.specificCharacterSet) ? SpecificCharacterSet(element: item[.specificCharacterSet]) : cs
        }

        studyInstanceUID = try required(.studyInstanceUID, "StudyInstanceUID")
        seriesInstanceUID = try required(.seriesInstanceUID, "SeriesInstanceUID")
        sopInstanceUID = try required(.sopInstanceUID, "SOPInstanceUID")
        sopClassUID = try required(.sopClassUID, "SOPClassUID")

        patientID = text(.patientID)
        issuerOfPatientID = text(.issuerOfPatientID)
        if issuerOfPatientID == nil, let item = ds[.issuerOfPatientIDQualifiersSequence]?.items?.first {
            issuerOfPatientID = text(.universalEntityID, in: item, itemCharset(item))
        }
        patientName = text(.patientName)
        patientBirthDate = text(.patientBirthDate)
        patientSex = text(.patientSex)
        for item in ds[.otherPatientIDsSequence]?.items ?? [] {
            let ics = itemCharset(item)
            guard let value = text(.patientID, in: item, ics) else { continue }
            var issuer = text(.issuerOfPatientID, in: item, ics)
            if issuer == nil, let q = item[.issuerOfPatientIDQualifiersSequence]?.items?.first {
                issuer = text(.universalEntityID, in: q, itemCharset(q))
            }
            otherPatientIDs.append((issuer, value))
        }

        studyDate = text(.studyDate)
        studyTime = text(.studyTime)
        accessionNumber = text(.accessionNumber)
        if let item = ds[.issuerOfAccessionNumberSequence]?.items?.first {
            let ics = itemCharset(item)
            accessionIssuer = text(.localNamespaceEntityID, in: item, ics) ?? text(.universalEntityID, in: item, ics)
        }
        referringPhysicianName = text(.referringPhysicianName)
        studyID = text(.studyID)
        studyDescription = text(.studyDescription)
        institutionName = text(.institutionName)
        for item in ds[.procedureCodeSequence]?.items ?? [] {
            if let code = text(.codeValue, in: item, itemCharset(item)) { procedureCodes.append(code) }
        }

        modality = text(.modality)
        seriesNumber = integer(.seriesNumber)
        seriesDescription = text(.seriesDescription)
        bodyPartExamined = text(.bodyPartExamined)
        performedProcedureStepStartDate = text(.performedProcedureStepStartDate)
        performedProcedureStepStartTime = text(.performedProcedureStepStartTime)
        if let item = ds[.requestAttributesSequence]?.items?.first {
            let ics = itemCharset(item)
            scheduledProcedureStepID = text(.scheduledProcedureStepID, in: item, ics)
            requestedProcedureID = text(.requestedProcedureID, in: item, ics)
        }
        seriesDate = text(.seriesDate)
        seriesTime = text(.seriesTime)
        stationName = text(.stationName)

        instanceNumber = integer(.instanceNumber)
        rows = integer(.rows)
        columns = integer(.columns)
        bitsAllocated = integer(.bitsAllocated)
        numberOfFrames = integer(.numberOfFrames)
        contentDate = text(.contentDate)
        contentTime = text(.contentTime)
        acquisitionDateTime = text(.acquisitionDateTime)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
