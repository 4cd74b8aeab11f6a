import Foundation
import GRDB

/// The prior-study lookup as one SQL statement over the master's studies (index
/// study_by_master: master_id, study_date), series facts folded in by correlated subqueries.
struct PriorStudyPlan: Sendable {
    let query: PriorStudyQuery
    let asOf: String

    static let maximumLimit = 500

    init(_ query: PriorStudyQuery) throws(MPIError) {
        guard (1...Self.maximumLimit).contains(query.limit) else {
            throw .invalidRequest("limit is 1 to \(Self.maximumLimit)")
        }
        if let d = query.lookBackDays, d < 0 || d > 36_600 { throw .invalidRequest("lookback is 0 to 36600 days") }
        guard (query.masterPatientID == nil) != (query.identifier == nil) else {
            throw .invalidRequest("name exactly one of a master patient or an identifier")
        }
        self.query = query
        self.asOf = PriorStudyPlan.dicomDate(query.asOf)
    }

    /// YYYYMMDD of `date` (Gregorian, the server's time zone).
    static func dicomDate(_ date: Date, minusDays days: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let d = calendar.date(byAdding: .day, value: -days, to: date) ?? date
        let c = calendar.dateComponents([.year, .month, .day], from: d)
        return String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    func run(_ db: Database, master: Int64, windows: RecognitionWindows) throws -> [PriorStudy] {
        var sql = """
            SELECT st.uid, st.study_date, st.study_description, st.accession_number, st.institution_name,
                   l.issuer, l.patient_id, st.procedure_codes, st.number_of_instances,
                   (SELECT group_concat(DISTINCT se.modality) FROM series se WHERE se.study_id = st.id),
                   (SELECT group_concat(DISTINCT UPPER(se.body_part_examined)) FROM series se WHERE se.study_id = st.id)
            FROM study st JOIN local_identity l ON l.id = st.local_identity_id
            WHERE st.master_id = ?
            """
        var arguments: [DatabaseValue] = [master.databaseValue]
        if let days = query.lookBackDays {
            sql += " AND st.study_date >= ? AND st.study_date <= ?"
            arguments += [PriorStudyPlan.dicomDate(query.asOf, minusDays: days).databaseValue, asOf.databaseValue]
        }
        if !query.modalities.isEmpty || !query.bodyParts.isEmpty {
            var series: [String] = []
            if !query.modalities.isEmpty {
                series.append("se.modality IN (" + query.modalities.map { _ in "?" }.joined(separator: ",") + ")")
                arguments += query.modalities.map { $0.uppercased().databaseValue }
            }
            if !query.bodyParts.isEmpty {
                series.append("UPPER(se.body_part_examined) IN (" + query.bodyParts.map { _ in "?" }.joined(separator: ",") + ")")
                arguments += query.bodyParts.map { $0.uppercased().databaseValue }
            }
            sql += " AND EXISTS (SELECT 1 FROM series se WHERE se.study_id = st.id AND " + series.joined(separator: " AND ") + ")"
        }
        if !query.procedureCodes.isEmpty {
            sql += " AND (" + query.procedureCodes.map { _ in "('\\' || st.procedure_codes || '\\') GLOB ?" }
                .joined(separator: " OR ") + ")"
            arguments += query.procedureCodes.map { ("*\\" + Self.globEscaped($0) + "\\*").databaseValue }
        }
        sql += " ORDER BY st.study_date DESC, st.uid LIMIT \(query.limit)"
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).map { r in
            let date: String? = r[1]
            let modalities = ((r[9] as String?) ?? "").split(separator: ",").map(String.init).sorted()
            let bodyParts = ((r[10] as String?) ?? "").split(separator: ",").map(String.init).sorted()
            let codes = ((r[7] as String?) ?? "").split(separator: "\\").map(String.init)
            let window = windows.window(modalities: modalities, bodyParts: bodyParts, procedureCodes: codes)
            let within = date.map { $0 >= PriorStudyPlan.dicomDate(query.asOf, minusDays: window.days) && $0 <= asOf } ?? false
            return PriorStudy(
                studyInstanceUID: r[0], studyDate: date, studyDescription: r[2], accessionNumber: r[3],
                institutionName: r[4], localIdentity: PatientIdentifier(authority: r[5], value: r[6]),
                modalities: modalities, bodyParts: bodyParts, procedureCodes: codes, numberOfInstances: r[8],
                examItem: window.item, recognitionWindowDays: window.days, withinRecognitionWindow: within)
        }
    }

    static func globEscaped(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "*" || c == "?" || c == "[" { out += "[\(c)]" } else { out.append(c) }
        }
        return out
    }
}
