import Hummingbird
import YingyunMultipart

/// Content negotiation over the Accept header (PS3.18 §8.7): which representation a client
/// asked for, and 406 when we cannot produce any of them yet.
enum Negotiation {
    struct Range {
        var type: String          // "multipart/related", "application/dicom", "*/*"
        var parameters: [String: String]   // lower-cased names, unquoted values
        var q: Double
    }

    static func ranges(_ request: Request) -> [Range] {
        let raw = request.headers[values: .accept].joined(separator: ",")
        // An unreadable Accept header is treated as absent (RFC 9110 §12.5.1 lets a server ignore it).
        guard let header = try? AcceptHeader(parsing: raw) else { return [] }
        return header.ranges.filter { $0.quality > 0 }.map { r in
            var params: [String: String] = [:]
            for p in r.mediaType.parameters where params[p.name] == nil { params[p.name] = p.value }
            return Range(type: r.mediaType.essence, parameters: params, q: r.quality)
        }
    }

    static func requireJSON(_ request: Request) throws {
        let r = ranges(request)
        if r.isEmpty { return }
        let ok = r.contains { ["application/dicom+json", "application/json", "*/*", "application/*"].contains($0.type) }
        if !ok { throw DICOMwebError.notAcceptable("only application/dicom+json is offered for this resource") }
    }

    /// What an instance-retrieval request accepts.
    enum InstanceRepresentation {
        /// multipart/related; type="application/dicom" in the stored transfer syntax; nil = any.
        case multipart(transferSyntax: String?)
        /// A single application/dicom body (one instance only).
        case single(transferSyntax: String?)
    }

    static func instanceRepresentation(_ request: Request, singleAllowed: Bool) throws -> InstanceRepresentation {
        let r = ranges(request)
        if r.isEmpty { return .multipart(transferSyntax: nil) }
        for range in r {
            let ts = range.parameters["transfer-syntax"].flatMap { $0 == "*" ? nil : $0 }
            switch range.type {
            case "multipart/related":
                let type = range.parameters["type"]?.lowercased() ?? "application/dicom"
                if type == "application/dicom" || type == "*/*" { return .multipart(transferSyntax: ts) }
            case "application/dicom":
                if singleAllowed { return .single(transferSyntax: ts) }
                return .multipart(transferSyntax: ts)
            case "*/*", "multipart/*":
                return .multipart(transferSyntax: nil)
            default:
                continue
            }
        }
        throw DICOMwebError.notAcceptable("instances are offered as multipart/related; type=\"application/dicom\" or application/dicom")
    }

    /// Whether the client takes a multipart answer for frames/bulkdata (the standard's default)
    /// or asked for a single-part body.
    static func wantsSinglePart(_ request: Request) -> Bool {
        let r = ranges(request)
        guard let first = r.first else { return false }
        return first.type != "multipart/related" && first.type != "*/*" && first.type != "multipart/*"
    }
}

