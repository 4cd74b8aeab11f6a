import Foundation
import GRDB

/// One `register` call inside its write transaction: duplicate/conflict check, identity, then
/// study/series upserts, the instance row and the derived counts. Level attributes are only
/// overwritten by non-empty values (COALESCE), so a sparse later instance never blanks a study.
struct Registration {
    let db: Database
    let record: InstanceRecord
    let a: IndexedAttributes
    let policy: IdentityPolicy
    let now: Double
    /// Set when the run queued a review-candidate search (the caller schedules the scoring).
    private(set) var queuedCandidateSearch = false
    /// The identity this run resolved (nil for a duplicate).
    private(set) var resolution: IdentityResolver.Resolution?
    /// The batch's earlier resolution of the same identity input, if any: used instead of resolving.
    var known: IdentityResolver.Resolution?

    init(db: Database, record: InstanceRecord, attributes: IndexedAttributes, policy: IdentityPolicy) {
        self.db = db
        self.record = record
        self.a = attributes
        self.policy = policy
        self.now = record.receivedAt.timeIntervalSince1970
    }

    mutating func run(onConflict: ConflictPolicy) throws -> RegisterOutcome {
        var outcome = RegisterOutcome.stored
        if let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, digest, series_id FROM instance WHERE sop_instance_uid = ?"),
            arguments: [a.sopInstanceUID])
        {
            let digest: String = existing[1]
            if digest == record.digest { return .duplicate }
            switch onConflict {
            case .reject:
                throw CatalogError.conflict(sopInstanceUID: a.sopInstanceUID, storedDigest: digest)
            case .replace:
                try db.cachedStatement(
                    sql: "INSERT INTO instance_history (sop_instance_uid, old_digest, replaced_at) VALUES (?, ?, ?)"
                ).execute(arguments: [a.sopInstanceUID, digest, now])
                try removeInstance(id: existing[0], seriesID: existing[2])
                outcome = .replaced(previousDigest: digest)
            }
        }

        let existingSeries = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT se.id, st.uid, se.modality FROM series se JOIN study st ON st.id = se.study_id WHERE se.uid = ?"),
            arguments: [a.seriesInstanceUID])
        if let existingSeries, (existingSeries[1] as String) != a.studyInstanceUID {
            throw CatalogError.invalidAttribute(
                keyword: "SeriesInstanceUID", reason: "the series already belongs to another study")
        }

        let identity = try known ?? IdentityResolver(db: db, now: now).resolve(a, source: record.source, policy: policy)
        queuedCandidateSearch = identity.queuedCandidateSearch
        resolution = identity
        let studyID = try upsertStudy(identity)
        var modalitiesChanged = false
        let seriesID: Int64
        if let existingSeries {
            seriesID = existingSeries[0]
            let oldModality: String? = existingSeries[2]
            modalitiesChanged = a.modality != nil && a.modality != oldModality
            try updateSeries(seriesID)
        } else {
            seriesID = try insertSeries(studyID: studyID)
            modalitiesChanged = true
        }
        try insertInstance(seriesID: seriesID)
        try db.cachedStatement(sql: "UPDATE series SET number_of_instances = number_of_instances + 1 WHERE id = ?")
            .execute(arguments: [seriesID])
        try db.cachedStatement(
            sql: """
                UPDATE study SET number_of_instances = number_of_instances + 1,
                                 number_of_series = number_of_series + ?, updated_at = ? WHERE id = ?
                """
        ).execute(arguments: [existingSeries == nil ? 1 : 0, now, studyID])
        if modalitiesChanged { try refreshModalities(studyID: studyID) }
        return outcome
    }

    // MARK: Study

    private func upsertStudy(_ identity: IdentityResolver.Resolution) throws -> Int64 {
        let pn = PersonNameKey(a.patientName)
        let rp = PersonNameKey(a.referringPhysicianName)
        let values: [(any DatabaseValueConvertible)?] = [
            a.studyDate, a.studyTime, a.accessionNumber, a.accessionIssuer,
            a.referringPhysicianName, rp.alphabetic, rp.ideographic, rp.phonetic, rp.words,
            a.studyID, a.studyDescription,
            a.patientName, pn.alphabetic, pn.ideographic, pn.phonetic, pn.words,
            a.patientID, a.issuerOfPatientID, a.patientBirthDate, a.patientSex, a.institutionName,
            a.procedureCodes.isEmpty ? nil : a.procedureCodes.joined(separator: "\\"),
        ]
        if let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM study WHERE uid = ?"), arguments: [a.studyInstanceUID])
        {
            let assignments = Registration.studyColumns.map { "\($0) = COALESCE(?, \($0))" }.joined(separator: ", ")
            try db.cachedStatement(sql: "UPDATE study SET \(assignments) WHERE id = ?")
                .execute(arguments: StatementArguments(values + [id]))
            return id
        }
        let columns = (["uid", "master_id", "local_identity_id", "updated_at"] + Registration.studyColumns)
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.cachedStatement(sql: "INSERT INTO study (\(columns.joined(separator: ", "))) VALUES (\(marks))")
            .execute(
                arguments: StatementArguments(
                    [a.studyInstanceUID, identity.masterID, identity.localIdentityID, now] + values))
        return db.lastInsertedRowID
    }

    static let studyColumns = [
        "study_date", "study_time", "accession_number", "accession_issuer",
        "referring_physician_name", "referring_physician_name_a", "referring_physician_name_i",
        "referring_physician_name_p", "referring_physician_name_words",
        "study_id", "study_description",
        "patient_name", "patient_name_a", "patient_name_i", "patient_name_p", "patient_name_words",
        "patient_id", "patient_issuer", "patient_birth_date", "patient_sex", "institution_name",
        "procedure_codes",
    ]

    // MARK: Series

    static let seriesColumns = [
        "modality", "series_number", "series_description", "body_part_examined", "pps_start_date",
        "pps_start_time", "scheduled_procedure_step_id", "requested_procedure_id", "series_date", "series_time",
        "institution_name", "station_name",
    ]

    private var seriesValues: [(any DatabaseValueConvertible)?] {
        [
            a.modality, a.seriesNumber, a.seriesDescription, a.bodyPartExamined, a.performedProcedureStepStartDate,
            a.performedProcedureStepStartTime, a.scheduledProcedureStepID, a.requestedProcedureID, a.seriesDate,
            a.seriesTime, a.institutionName, a.stationName,
        ]
    }

    private func insertSeries(studyID: Int64) throws -> Int64 {
        let columns = ["uid", "study_id"] + Registration.seriesColumns
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        try db.cachedStatement(sql: "INSERT INTO series (\(columns.joined(separator: ", "))) VALUES (\(marks))")
            .execute(arguments: StatementArguments([a.seriesInstanceUID, studyID] + seriesValues))
        return db.lastInsertedRowID
    }

    private func updateSeries(_ id: Int64) throws {
        let assignments = Registration.seriesColumns.map { "\($0) = COALESCE(?, \($0))" }.joined(separator: ", ")
        try db.cachedStatement(sql: "UPDATE series SET \(assignments) WHERE id = ?")
            .execute(arguments: StatementArguments(seriesValues + [id]))
    }

    // MARK: Instance

    private func insertInstance(seriesID: Int64) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO instance (sop_instance_uid, series_id, sop_class_uid, instance_number, rows, columns,
                    bits_allocated, number_of_frames, content_date, content_time, acquisition_datetime,
                    transfer_syntax_uid, digest, size, pixel_data_offset, frames, source, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                a.sopInstanceUID, seriesID, a.sopClassUID, a.instanceNumber, a.rows, a.columns,
                a.bitsAllocated, a.numberOfFrames, a.contentDate, a.contentTime, a.acquisitionDateTime,
                record.transferSyntaxUID, record.digest, record.size, record.pixelDataOffset,
                FrameTable.encode(record.frames), record.source, now,
            ])
    }

    /// Removes an instance row being replaced and undoes its counts; a series or study left
    /// empty goes too (the replacement may file the instance elsewhere).
    private func removeInstance(id: Int64, seriesID: Int64) throws {
        try db.execute(sql: "DELETE FROM instance WHERE id = ?", arguments: [id])
        try db.execute(
            sql: "UPDATE series SET number_of_instances = number_of_instances - 1 WHERE id = ?", arguments: [seriesID])
        let studyID = try Int64.fetchOne(db, sql: "SELECT study_id FROM series WHERE id = ?", arguments: [seriesID])!
        try db.execute(
            sql: "UPDATE study SET number_of_instances = number_of_instances - 1 WHERE id = ?", arguments: [studyID])
        try db.execute(sql: "DELETE FROM series WHERE id = ? AND number_of_instances = 0", arguments: [seriesID])
        if db.changesCount > 0 {
            try db.execute(
                sql: "UPDATE study SET number_of_series = number_of_series - 1 WHERE id = ?", arguments: [studyID])
            try db.execute(sql: "DELETE FROM study WHERE id = ? AND number_of_series = 0", arguments: [studyID])
            if db.changesCount == 0 { try refreshModalities(studyID: studyID) }
        }
    }

    /// ModalitiesInStudy: the distinct modalities of the study's series, sorted, "\"-separated.
    private func refreshModalities(studyID: Int64) throws {
        let modalities = try String.fetchAll(
            db.cachedStatement(
                sql: "SELECT DISTINCT modality FROM series WHERE study_id = ? AND modality IS NOT NULL ORDER BY modality"),
            arguments: [studyID])
        try db.cachedStatement(sql: "UPDATE study SET modalities_in_study = ? WHERE id = ?")
            .execute(arguments: [modalities.isEmpty ? nil : modalities.joined(separator: "\\"), studyID])
    }
}
