import Hummingbird

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
        var out: [Range] = []
        for item in splitOutsideQuotes(raw, ",") {
            let pieces = splitOutsideQuotes(item, ";")
            guard let first = pieces.first?.trimmed, !first.isEmpty else { continue }
            var params: [String: String] = [:]
            for p in pieces.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
                guard kv.count == 2 else { continue }
                var v = kv[1]
                if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
                params[kv[0].lowercased()] = v
            }
            let q = params.removeValue(forKey: "q").flatMap(Double.init) ?? 1
            out.append(Range(type: first.lowercased(), parameters: params, q: q))
        }
        return out.filter { $0.q > 0 }.sorted { $0.q > $1.q }
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

    static func splitOutsideQuotes(_ s: String, _ sep: Character) -> [String] {
        var out: [String] = []
        var cur = ""
        var quoted = false
        for c in s {
            if c == "\"" { quoted.toggle() }
            if c == sep && !quoted { out.append(cur); cur = "" } else { cur.append(c) }
        }
        out.append(cur)
        return out
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
