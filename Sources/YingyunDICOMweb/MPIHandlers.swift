import Foundation
import Hummingbird
import YingyunCatalog

/// The patient master index over HTTP under `/mpi` (JSON; shaped after IHE PIXm — identifier
/// cross-reference — and PDQm — demographic search — where they fit):
///
/// - `GET /mpi/identifiers?identifier=authority|value` → master id and every linked identifier
/// - `GET /mpi/patients?name=&birthdate=YYYYMMDD&gender=M|F|O&limit=` → masters (at most 100)
/// - `GET /mpi/patients/{id}` → one master (a merged id answers with the surviving master)
/// - `GET /mpi/priors?patient={id}|identifier=…&modality=&bodypart=&procedurecode=&lookback=DAYS&asof=YYYYMMDD&limit=`
/// - `GET /mpi/review?limit=` → candidate pairs, conflicts, invalid identifiers
/// - `POST /mpi/link|unlink|merge|unmerge`, `POST /mpi/review/{id}/reject` (JSON, operator + reason)
/// - `GET /mpi/audit?limit=`
struct MPIHandlers: Sendable {
    let index: any PatientIndex
    let windows: RecognitionWindows
    let baseURL: String

    func register(on router: Router<DICOMwebRequestContext>) {
        router.get("/mpi/identifiers") { req, _ in
            try await run {
                let p = MPIParameters(req.uri.query)
                guard let id = try p.identifier() else { throw MPIHTTPError.badRequest("identifier=authority|value is required") }
                return MPIJSON.response(try await index.masterPatient(identifiedBy: id))
            }
        }
        router.get("/mpi/patients") { req, _ in
            try await run {
                let p = MPIParameters(req.uri.query)
                let q = DemographicQuery(
                    name: try p.single("name"), birthDate: try p.single("birthdate"), sex: try p.single("gender"),
                    limit: try p.integer("limit", default: 20, range: 1...SQLiteCatalog.maximumSearchLimit))
                let found = try await index.searchMasterPatients(q)
                return MPIJSON.response(PatientSearchAnswer(total: found.count, patients: found))
            }
        }
        router.get("/mpi/patients/:id") { _, ctx in
            try await run { MPIJSON.response(try await index.masterPatient(id: try ctx.parameters.require("id"))) }
        }
        router.get("/mpi/patients/:id/priors") { req, ctx in
            try await run { try await priors(req.uri.query, patient: try ctx.parameters.require("id")) }
        }
        router.get("/mpi/priors") { req, _ in
            try await run { try await priors(req.uri.query, patient: nil) }
        }
        router.get("/mpi/review") { req, _ in
            try await run {
                let p = MPIParameters(req.uri.query)
                return MPIJSON.response(try await index.reviewQueue(limit: try p.integer("limit", default: 100, range: 1...1000)))
            }
        }
        router.post("/mpi/review/:id/reject") { req, ctx in
            try await run {
                guard let id = Int64(try ctx.parameters.require("id")) else { throw MPIHTTPError.badRequest("candidate id is an integer") }
                let b = try await MPIJSON.decode(OperatorBody.self, from: req)
                return MPIJSON.response(try await index.rejectCandidate(id, by: action(b.operator, b.reason)))
            }
        }
        router.get("/mpi/audit") { req, _ in
            try await run {
                let p = MPIParameters(req.uri.query)
                return MPIJSON.response(try await index.auditTrail(limit: try p.integer("limit", default: 100, range: 1...1000)))
            }
        }
        router.post("/mpi/link") { req, _ in
            try await run {
                let b = try await MPIJSON.decode(LinkBody.self, from: req)
                let id = try PatientIdentifier(parsing: b.identifier)
                return MPIJSON.response(try await index.link(id, to: b.masterPatientID, by: action(b.operator, b.reason)))
            }
        }
        router.post("/mpi/unlink") { req, _ in
            try await run {
                let b = try await MPIJSON.decode(UnlinkBody.self, from: req)
                let id = try PatientIdentifier(parsing: b.identifier)
                return MPIJSON.response(try await index.unlink(id, by: action(b.operator, b.reason)))
            }
        }
        router.post("/mpi/merge") { req, _ in
            try await run {
                let b = try await MPIJSON.decode(MergeBody.self, from: req)
                return MPIJSON.response(try await index.merge(b.source, into: b.target, by: action(b.operator, b.reason)))
            }
        }
        router.post("/mpi/unmerge") { req, _ in
            try await run {
                let b = try await MPIJSON.decode(UnmergeBody.self, from: req)
                return MPIJSON.response(try await index.unmerge(b.source, by: action(b.operator, b.reason)))
            }
        }
    }

    private func action(_ name: String, _ reason: String) -> OperatorAction {
        OperatorAction(operatorName: name, reason: reason)
    }

    private func priors(_ query: String?, patient: String?) async throws -> Response {
        let p = MPIParameters(query)
        let identifier = try p.identifier()
        let master = try patient ?? p.single("patient")
        guard (master == nil) != (identifier == nil) else {
            throw MPIHTTPError.badRequest("name exactly one of patient={master id} or identifier=authority|value")
        }
        let asOf = try p.date("asof") ?? Date()
        let lookBack: Int? = try p.single("lookback") == nil ? nil : try p.integer("lookback", default: 0, range: 0...36_600)
        let q = PriorStudyQuery(
            masterPatientID: master, identifier: identifier, modalities: p.list("modality"), bodyParts: p.list("bodypart"),
            procedureCodes: p.list("procedurecode"), lookBackDays: lookBack, asOf: asOf,
            limit: try p.integer("limit", default: 100, range: 1...500))
        let found = try await index.priorStudies(q, windows: windows)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let c = calendar.dateComponents([.year, .month, .day], from: asOf)
        let asOfText = String(format: "%04d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return MPIJSON.response(PriorStudyAnswer(found, asOf: asOfText, baseURL: baseURL))
    }

    /// Maps the index's typed refusals to JSON 4xx answers.
    private func run(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let e as MPIError {
            throw MPIHTTPError(e)
        }
    }
}
