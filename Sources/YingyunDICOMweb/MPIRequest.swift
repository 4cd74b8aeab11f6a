import Foundation
import YingyunCatalog

/// Bodies of the /mpi actions. `operator` and `reason` are required: every change is audited.
struct LinkBody: Decodable {
    var identifier: String
    var masterPatientID: String
    var `operator`: String
    var reason: String
}

struct UnlinkBody: Decodable {
    var identifier: String
    var `operator`: String
    var reason: String
}

struct MergeBody: Decodable {
    var source: String
    var target: String
    var `operator`: String
    var reason: String
}

struct UnmergeBody: Decodable {
    var source: String
    var `operator`: String
    var reason: String
}

struct OperatorBody: Decodable {
    var `operator`: String
    var reason: String
}

/// Query-string parameters of the /mpi reads.
struct MPIParameters {
    var values: [String: [String]] = [:]

    init(_ raw: String?) {
        for (name, value) in QueryString(raw).pairs { values[name.lowercased(), default: []].append(value) }
    }

    func single(_ name: String) throws -> String? {
        guard let v = values[name] else { return nil }
        guard v.count == 1 else { throw MPIHTTPError.badRequest("\(name) given more than once") }
        return v[0]
    }

    /// Repeated or comma-separated values.
    func list(_ name: String) -> [String] {
        (values[name] ?? []).flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    func integer(_ name: String, default d: Int, range: ClosedRange<Int>) throws -> Int {
        guard let s = try single(name) else { return d }
        guard let n = Int(s), range.contains(n) else {
            throw MPIHTTPError.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    func identifier(_ name: String = "identifier") throws -> PatientIdentifier? {
        guard let s = try single(name) else { return nil }
        do {
            return try PatientIdentifier(parsing: s)
        } catch {
            throw MPIHTTPError(error)
        }
    }

    /// YYYYMMDD as a date at noon, server time zone (recognition windows count whole days).
    func date(_ name: String) throws -> Date? {
        guard let s = try single(name) else { return nil }
        guard s.utf8.count == 8, let y = Int(s.prefix(4)), let m = Int(s.dropFirst(4).prefix(2)), let d = Int(s.suffix(2)),
              (1...12).contains(m), (1...31).contains(d)
        else { throw MPIHTTPError.badRequest("\(name) is YYYYMMDD") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d, hour: 12)) else {
            throw MPIHTTPError.badRequest("\(name) is not a date")
        }
        return date
    }
}
