import Hummingbird
import NIOCore
import YingyunArchive
import YingyunCatalog
import YingyunDICOM

/// QIDO-RS: search for studies, series and instances; answers are DICOM JSON arrays.
struct QIDOHandler: Sendable {
    let archive: Archive
    let baseURL: String

    func search(_ request: Request, level: QueryLevel, study: String?, series: String?) async throws -> Response {
        let query = try QIDORequest.query(level: level, study: study, series: series, queryString: request.uri.query)
        try Negotiation.requireJSON(request)
        let result: CatalogSearchResult
        do {
            result = try await archive.catalog.search(query)
        } catch let e as CatalogError {
            if case .invalidQuery(let m) = e { throw DICOMwebError.badRequest(m) }
            throw e
        }
        let encoder = DICOMJSONEncoder()
        var body = ByteBuffer()
        body.writeInteger(UInt8(ascii: "["))
        for (i, var match) in result.matches.enumerated() {
            if i > 0 { body.writeInteger(UInt8(ascii: ",")) }
            if let url = retrieveURL(match, level: level) { match[.retrieveURL] = DataElement(tag: .retrieveURL, vr: .UR, strings: [url]) }
            // Everything indexed here is on line storage (PS3.18 Tables 10.6.3-3 and -5 return it).
            if level != .series { match[.instanceAvailability] = Self.online }
            body.writeBytes(try encoder.encode(match, source: nil))
        }
        body.writeInteger(UInt8(ascii: "]"))
        var headers: HTTPFields = [.contentType: "application/dicom+json"]
        if !result.unsupportedKeys.isEmpty {
            let keys = result.unsupportedKeys.map { DataDictionary.entry(for: $0)?.keyword ?? $0.description }
            headers[.init("Warning")!] = "299 Yingyun: \"The fuzzymatching parameter or these attributes were not used for matching: \(keys.joined(separator: ","))\""
        }
        if result.matches.isEmpty { return Response(status: .noContent, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    static let online = DataElement(tag: .instanceAvailability, vr: .CS, strings: ["ONLINE"])

    private func retrieveURL(_ match: DataSet, level: QueryLevel) -> String? {
        func uid(_ t: Tag) -> String? { match[t]?.stringValue(characterSet: .default).map(UID.trimmed) }
        guard let st = uid(.studyInstanceUID) else { return nil }
        switch level {
        case .patient, .study: return "\(baseURL)/studies/\(st)"
        case .series:
            guard let se = uid(.seriesInstanceUID) else { return nil }
            return "\(baseURL)/studies/\(st)/series/\(se)"
        case .instance:
            guard let se = uid(.seriesInstanceUID), let i = uid(.sopInstanceUID) else { return nil }
            return "\(baseURL)/studies/\(st)/series/\(se)/instances/\(i)"
        }
    }
}
