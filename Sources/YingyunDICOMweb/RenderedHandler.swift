import Hummingbird
import Logging
import NIOCore
import YingyunArchive
import YingyunCatalog
import YingyunMultipart

/// WADO-RS rendered resources and thumbnails (PS3.18 §10.4.1.1.3, §10.4.1.1.4): JPEG or PNG made
/// by the imaging renderer, with the derived key as ETag. Thumbnails are kept in the derived store
/// (those precomputed at ingest are served without rendering); /rendered images, whose viewport,
/// window and quality are the client's, are made per request.
struct RenderedHandler: Sendable {
    let archive: Archive
    let rendering: RenderingService?

    private func service() throws -> RenderingService {
        guard let rendering else { throw DICOMwebError(.notImplemented, "this server has no renderer configured") }
        return rendering
    }

    /// Study or series thumbnail: the representative instance's middle frame.
    func thumbnail(_ request: Request, study: String, series: String?) async throws -> Response {
        let service = try service()
        let r = try RenderedRequest(request, thumbnail: true, frame: nil)
        guard let instance = try await service.representative(study: study, series: series) else {
            if try await archive.catalog.instances(studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: nil).isEmpty {
                throw DICOMwebError.notFound("no such \(series == nil ? "study" : "series")")
            }
            throw DICOMwebError.notAcceptable("the \(series == nil ? "study" : "series") holds no image to show")
        }
        return try image(request, service, instance, r)
    }

    /// Instance or frame: a thumbnail (bounded viewport) or the rendered image (own size by default).
    func instance(_ request: Request, scope: Scope, frames: String?, thumbnail: Bool) async throws -> Response {
        let service = try service()
        var frame: Int? = thumbnail ? nil : 1
        if let frames {
            guard let n = Int(frames), n >= 1 else {
                throw DICOMwebError.badRequest("a rendered frame is one frame number ≥ 1 (a list is for multipart frames)")
            }
            frame = n
        }
        let r = try RenderedRequest(request, thumbnail: thumbnail, frame: frame)
        let rows = try await archive.catalog.instances(
            studyInstanceUID: scope.study, seriesInstanceUID: scope.series, sopInstanceUID: scope.instance)
        guard let instance = rows.first else { throw DICOMwebError.notFound("no such instance") }
        if let n = frame, n > max(1, instance.frames.count) {
            throw DICOMwebError.notFound("instance has \(instance.frames.count) frame(s), not \(n)")
        }
        return try image(request, service, instance, r)
    }

    /// Study or series rendered: every image instance's first frame, one part each, streamed.
    func collection(_ request: Request, scope: Scope) async throws -> Response {
        let service = try service()
        let r = try RenderedRequest(request, thumbnail: false, frame: 1)
        let rows = try await archive.catalog.instances(
            studyInstanceUID: scope.study, seriesInstanceUID: scope.series, sopInstanceUID: nil)
        if rows.isEmpty { throw DICOMwebError.notFound("no such \(scope.series == nil ? "study" : "series")") }
        let images = rows.filter { $0.pixelDataOffset != nil }
        if images.isEmpty { throw DICOMwebError.notAcceptable("nothing here has pixel data to render") }
        let boundary = MultipartWriter.boundary()
        let mediaType = r.parameters.format.mediaType
        let logger = archive.logger
        let body = ResponseBody { writer in
            var first = true
            for instance in images {
                let made: EncodedImage
                do {
                    made = try service.image(of: instance, r.parameters, keeping: r.isThumbnail ? .inBackground : .never).image
                } catch {
                    // Headers are gone: a part we cannot make is left out, and logged.
                    logger.warning("rendering failed", metadata: ["sop": "\(instance.sopInstanceUID)", "error": "\(error)"])
                    continue
                }
                try await writer.write(MultipartWriter.partHead(
                    boundary: boundary,
                    headers: [("Content-Type", made.mediaType), ("Content-Location", "\(instance.sopInstanceUID)")],
                    first: first))
                first = false
                try await writer.write(ByteBuffer(bytes: made.bytes))
            }
            try await writer.write(MultipartWriter.closing(boundary: boundary))
            try await writer.finish(nil)
        }
        var headers: HTTPFields = [.contentType: "multipart/related; type=\"\(mediaType)\"; boundary=\(boundary)"]
        if !r.ignored.isEmpty { headers[.init("Warning")!] = Self.warning(r.ignored) }
        return Response(status: .ok, headers: headers, body: body)
    }

    private func image(_ request: Request, _ service: RenderingService, _ instance: StoredInstance, _ r: RenderedRequest) throws -> Response {
        let etag = "\"\(service.key(instance, r.parameters).hex)\""
        var headers: HTTPFields = [
            .contentType: r.parameters.format.mediaType,
            .eTag: etag,
            .cacheControl: "private, max-age=31536000, immutable",
        ]
        if !r.ignored.isEmpty { headers[.init("Warning")!] = Self.warning(r.ignored) }
        if let inm = request.headers[.ifNoneMatch],
           inm.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag[...] || $0.trimmingSpaces() == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        let made: EncodedImage
        do {
            made = try service.image(of: instance, r.parameters, keeping: r.isThumbnail ? .inBackground : .never).image
        } catch let e as RenderingUnavailable {
            throw DICOMwebError.notAcceptable(e.message)
        } catch {
            throw DICOMwebError.notAcceptable("cannot render instance \(instance.sopInstanceUID): \(error)")
        }
        headers[.contentLength] = String(made.bytes.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: made.bytes)))
    }

    static func warning(_ ignored: [String]) -> String {
        "299 yingyun \"parameters not applied: \(ignored.joined(separator: ", "))\""
    }
}
