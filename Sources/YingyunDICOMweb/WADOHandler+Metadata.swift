import Hummingbird
import NIOCore
import YingyunArchive
import YingyunCatalog
import YingyunDICOM
import YingyunStore

extension WADOHandler {
    /// Metadata (PS3.18 §10.4.1.1.2): a DICOM JSON array, one object per instance, parsed from
    /// the stored bytes and written instance by instance. Values longer than 1 KiB become
    /// BulkDataURIs pointing at their bytes in the stored object.
    func metadata(_ request: Request, scope: Scope) async throws -> Response {
        try Negotiation.requireJSON(request)
        let rows = try await rows(scope)
        let readers = try rows.map { try reader($0) }
        let base = baseURL
        let body = ResponseBody { writer in
            try await Self.writeMetadata(rows: rows, readers: readers, base: base, to: &writer)
        }
        return Response(status: .ok, headers: [.contentType: "application/dicom+json"], body: body)
    }

    static func instanceJSON(_ row: StoredInstance, _ reader: any BlobReader, base: String) throws -> ByteBuffer {
        let source = BlobByteSource(reader: reader)
        let file = try DICOMFile.parse(source, options: ParseOptions(stopBeforePixelData: false, bulkDataThreshold: 1024))
        let instanceURL = "\(base)/studies/\(row.studyInstanceUID)/series/\(row.seriesInstanceUID)/instances/\(row.sopInstanceUID)"
        // Offsets of a deflated object refer to its inflated bytes: inline those instead.
        let addressable = !file.transferSyntax.isDeflated && file.transferSyntax.isLittleEndian
        var uri: (@Sendable (BulkDataContext) -> String?)? = nil
        if addressable {
            uri = { (ctx: BulkDataContext) -> String? in
                if ctx.valueOffset < 0 { return nil }
                let offset: Int = ctx.valueOffset
                let length: Int = ctx.length
                return instanceURL + "/bulkdata/" + String(offset) + "-" + String(length)
            }
        }
        let encoder = DICOMJSONEncoder(bulkDataThreshold: 1024, bulkDataURI: uri)
        do {
            return try encoder.encodeToBuffer(file.dataSet, source: file.valueSource(source))
        } catch {
            throw DICOMwebError(.internalServerError, "cannot encode metadata of \(row.sopInstanceUID): \(error)")
        }
    }

    static func writeMetadata(
        rows: [StoredInstance], readers: [any BlobReader], base: String, to writer: inout any ResponseBodyWriter
    ) async throws {
        try await writer.write(ByteBuffer(string: "["))
        for (i, row) in rows.enumerated() {
            let json = try instanceJSON(row, readers[i], base: base)
            if i > 0 { try await writer.write(ByteBuffer(string: ",")) }
            try await writer.write(json)
        }
        try await writer.write(ByteBuffer(string: "]"))
        try await writer.finish(nil)
    }
}
