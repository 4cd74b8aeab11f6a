import Hummingbird
import YingyunArchive
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

    /// What an instance-retrieval request accepts: one body or multipart, and the transfer
    /// syntaxes the client takes, in its order of preference ("*" = whatever is stored).
    struct InstanceRepresentation {
        var single: Bool
        var transferSyntaxes: [String]

        /// The syntax to send an instance stored as `stored` in: the stored one when acceptable,
        /// else the first acceptable one the transcoder can produce; nil means 406.
        func target(for stored: String, _ transcoder: Transcoder) -> String? {
            if transferSyntaxes.contains("*") || transferSyntaxes.contains(stored) { return stored }
            return transferSyntaxes.first { transcoder.plan(from: stored, to: $0) != nil }
        }
    }

    /// Without a transfer-syntax parameter the answer is Explicit VR Little Endian (PS3.18
    /// §8.7.3.5, since DICOM 2016c); `*` means the stored syntax.
    static let defaultTransferSyntax = "1.2.840.10008.1.2.1"

    static func instanceRepresentation(_ request: Request, singleAllowed: Bool) throws -> InstanceRepresentation {
        let r = ranges(request).sorted { $0.q > $1.q }  // stable: equal q keep the client's order
        if r.isEmpty { return InstanceRepresentation(single: false, transferSyntaxes: [defaultTransferSyntax]) }
        var single: Bool?
        var syntaxes: [String] = []
        for range in r {
            let ts = range.parameters["transfer-syntax"] ?? defaultTransferSyntax
            let isSingle: Bool
            switch range.type {
            case "multipart/related":
                let type = range.parameters["type"]?.lowercased() ?? "application/dicom"
                guard type == "application/dicom" || type == "*/*" else { continue }
                isSingle = false
            case "application/dicom":
                isSingle = singleAllowed
            case "*/*", "multipart/*":
                isSingle = false
            default:
                continue
            }
            // The first acceptable range fixes single vs multipart; its kind's syntaxes are collected.
            if single == nil { single = isSingle }
            if single == isSingle, !syntaxes.contains(ts) { syntaxes.append(ts) }
        }
        guard let single else {
            throw DICOMwebError.notAcceptable("instances are offered as multipart/related; type=\"application/dicom\" or application/dicom")
        }
        return InstanceRepresentation(single: single, transferSyntaxes: syntaxes)
    }

    /// Whether the client takes a multipart answer for frames/bulkdata (the standard's default)
    /// or asked for a single-part body.
    static func wantsSinglePart(_ request: Request) -> Bool {
        let r = ranges(request)
        guard let first = r.first else { return false }
        return first.type != "multipart/related" && first.type != "*/*" && first.type != "multipart/*"
    }
}

