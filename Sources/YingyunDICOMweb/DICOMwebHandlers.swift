import Hummingbird
import Logging
import NIOCore
import YingyunArchive
import YingyunCatalog

/// Route table. Every GET is also served for HEAD (Hummingbird does not route HEAD to GET).
struct DICOMwebHandlers: Sendable {
    let archive: Archive
    let baseURL: String
    let logger: Logger
    let rendering: RenderingService?
    let transcoder: Transcoder

    typealias Handler = @Sendable (Request, DICOMwebRequestContext) async throws -> Response

    func register(on router: Router<DICOMwebRequestContext>) {
        let stow = STOWHandler(archive: archive, baseURL: baseURL, logger: logger)
        let qido = QIDOHandler(archive: archive, baseURL: baseURL)
        let wado = WADOHandler(archive: archive, baseURL: baseURL, transcoder: transcoder)
        let rendered = RenderedHandler(archive: archive, rendering: rendering)

        router.post("/dicomweb/studies") { req, ctx in try await stow.store(req, ctx, study: nil) }
        router.post("/dicomweb/studies/:study") { req, ctx in
            try await stow.store(req, ctx, study: try ctx.parameters.require("study"))
        }

        // A probe must stay cheap: counting the rows of a big catalog takes seconds (about 2 s on
        // 10 M instance rows), so the counts come only when asked for (`?counts=1`).
        getAndHead(router, "/healthz") { req, _ in
            var body = ByteBuffer()
            if QueryString(req.uri.query).pairs.contains(where: { $0.0 == "counts" && $0.1 != "0" }) {
                let stats = try await archive.catalog.statistics()
                body.writeString("{\"status\":\"ok\",\"studies\":\(stats.studies),\"instances\":\(stats.instances)}\n")
            } else {
                body.writeString("{\"status\":\"ok\"}\n")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }

        // QIDO-RS
        getAndHead(router, "/dicomweb/studies") { req, _ in try await qido.search(req, level: .study, study: nil, series: nil) }
        getAndHead(router, "/dicomweb/series") { req, _ in try await qido.search(req, level: .series, study: nil, series: nil) }
        getAndHead(router, "/dicomweb/instances") { req, _ in try await qido.search(req, level: .instance, study: nil, series: nil) }
        getAndHead(router, "/dicomweb/studies/:study/series") { req, ctx in
            try await qido.search(req, level: .series, study: try ctx.parameters.require("study"), series: nil)
        }
        getAndHead(router, "/dicomweb/studies/:study/instances") { req, ctx in
            try await qido.search(req, level: .instance, study: try ctx.parameters.require("study"), series: nil)
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/instances") { req, ctx in
            try await qido.search(
                req, level: .instance, study: try ctx.parameters.require("study"), series: try ctx.parameters.require("series"))
        }

        // WADO-RS
        getAndHead(router, "/dicomweb/studies/:study") { req, ctx in
            try await wado.retrieve(req, scope: try Scope(ctx, level: .study))
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series") { req, ctx in
            try await wado.retrieve(req, scope: try Scope(ctx, level: .series))
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/instances/:instance") { req, ctx in
            try await wado.retrieve(req, scope: try Scope(ctx, level: .instance))
        }
        getAndHead(router, "/dicomweb/studies/:study/metadata") { req, ctx in
            try await wado.metadata(req, scope: try Scope(ctx, level: .study))
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/metadata") { req, ctx in
            try await wado.metadata(req, scope: try Scope(ctx, level: .series))
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/instances/:instance/metadata") { req, ctx in
            try await wado.metadata(req, scope: try Scope(ctx, level: .instance))
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/instances/:instance/frames/:frames") { req, ctx in
            try await wado.frames(req, scope: try Scope(ctx, level: .instance), list: try ctx.parameters.require("frames"))
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/instances/:instance/bulkdata/:range") { req, ctx in
            try await wado.bulkdata(req, scope: try Scope(ctx, level: .instance), range: try ctx.parameters.require("range"))
        }

        // A series as one volume (AI)
        let volume = VolumeHandler(archive: archive, baseURL: baseURL, transcoder: transcoder)
        getAndHead(router, "/dicomweb/studies/:study/series/:series/volume") { req, ctx in
            try await volume.data(study: try ctx.parameters.require("study"), series: try ctx.parameters.require("series"))
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/volume/header") { req, ctx in
            try await volume.header(study: try ctx.parameters.require("study"), series: try ctx.parameters.require("series"))
        }

        // Rendered resources and thumbnails
        let instancePath = "/dicomweb/studies/:study/series/:series/instances/:instance"
        getAndHead(router, "/dicomweb/studies/:study/thumbnail") { req, ctx in
            try await rendered.thumbnail(req, study: try ctx.parameters.require("study"), series: nil)
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/thumbnail") { req, ctx in
            try await rendered.thumbnail(req, study: try ctx.parameters.require("study"), series: try ctx.parameters.require("series"))
        }
        getAndHead(router, RouterPath(stringLiteral: instancePath + "/thumbnail")) { req, ctx in
            try await rendered.instance(req, scope: try Scope(ctx, level: .instance), frames: nil, thumbnail: true)
        }
        getAndHead(router, RouterPath(stringLiteral: instancePath + "/frames/:frames/thumbnail")) { req, ctx in
            try await rendered.instance(req, scope: try Scope(ctx, level: .instance), frames: try ctx.parameters.require("frames"), thumbnail: true)
        }
        getAndHead(router, RouterPath(stringLiteral: instancePath + "/rendered")) { req, ctx in
            try await rendered.instance(req, scope: try Scope(ctx, level: .instance), frames: nil, thumbnail: false)
        }
        getAndHead(router, RouterPath(stringLiteral: instancePath + "/frames/:frames/rendered")) { req, ctx in
            try await rendered.instance(req, scope: try Scope(ctx, level: .instance), frames: try ctx.parameters.require("frames"), thumbnail: false)
        }
        getAndHead(router, "/dicomweb/studies/:study/rendered") { req, ctx in
            try await rendered.collection(req, scope: try Scope(ctx, level: .study))
        }
        getAndHead(router, "/dicomweb/studies/:study/series/:series/rendered") { req, ctx in
            try await rendered.collection(req, scope: try Scope(ctx, level: .series))
        }
    }

    private func getAndHead(_ router: Router<DICOMwebRequestContext>, _ path: RouterPath, _ handler: @escaping Handler) {
        router.get(path, use: handler)
        router.head(path) { req, ctx in
            // Same status and headers as GET, body not produced. NIO's encoder sends no body (and
            // no chunked framing) for HEAD; Content-Length stays what GET would send, if known.
            var response = try await handler(req, ctx)
            let length = response.headers[.contentLength].flatMap { Int($0) }
            response.body = ResponseBody(contentLength: length) { writer in try await writer.finish(nil) }
            return response
        }
    }
}

/// Which study/series/instance a WADO-RS URL names.
struct Scope: Sendable {
    var study: String
    var series: String?
    var instance: String?

    init(_ ctx: DICOMwebRequestContext, level: QueryLevel) throws {
        study = try ctx.parameters.require("study")
        series = level == .study ? nil : try ctx.parameters.require("series")
        instance = level == .instance ? try ctx.parameters.require("instance") : nil
    }
}
