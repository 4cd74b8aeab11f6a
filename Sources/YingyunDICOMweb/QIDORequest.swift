import YingyunCatalog
import YingyunDICOM

/// Reads a QIDO-RS query string (PS3.18 §8.3.4) into a catalog query: attribute matches by
/// keyword or tag, includefield, fuzzymatching, limit and offset.
enum QIDORequest {
    /// Answers are capped: a client that wants more pages with offset.
    static let maximumLimit = 1000

    static func query(level: QueryLevel, study: String?, series: String?, queryString: String?) throws -> CatalogQuery {
        var q = CatalogQuery(level: level, studyInstanceUID: study, seriesInstanceUID: series)
        q.limit = maximumLimit
        for (name, value) in QueryString(queryString).pairs {
            switch name.lowercased() {
            case "includefield":
                for field in value.split(separator: ",") {
                    let f = field.trimmingSpaces()
                    if f == "all" { q.includeAll = true; continue }
                    guard let tag = attributeTag(f) else {
                        throw DICOMwebError.badRequest("includefield: unknown attribute \(f)")
                    }
                    q.includeFields.append(tag)
                }
            case "fuzzymatching":
                guard value == "true" || value == "false" else {
                    throw DICOMwebError.badRequest("fuzzymatching must be true or false")
                }
                q.fuzzyMatching = value == "true"
            case "limit":
                guard let n = Int(value), n >= 0 else { throw DICOMwebError.badRequest("limit must be a non-negative integer") }
                q.limit = min(n, maximumLimit)
            case "offset":
                guard let n = Int(value), n >= 0 else { throw DICOMwebError.badRequest("offset must be a non-negative integer") }
                q.offset = n
            case "masterpatientid":
                q.masterPatientID = value
            case "patientidentifier":
                do {
                    q.linkedIdentifier = try PatientIdentifier(parsing: value)
                } catch {
                    throw DICOMwebError.badRequest("patientidentifier: \(error)")
                }
            default:
                guard let tag = attributeTag(Substring(name)) else {
                    throw DICOMwebError.badRequest("unknown query attribute \(name)")
                }
                q.matchKeys.append((tag, value))
            }
        }
        return q
    }

    /// A keyword ("PatientName") or eight hex digits ("00100010"); dotted paths into
    /// sequences are not supported.
    static func attributeTag(_ s: Substring) -> Tag? {
        if s.utf8.count == 8, let raw = UInt32(s, radix: 16) { return Tag(rawValue: raw) }
        return DataDictionary.tag(forKeyword: String(s))
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
