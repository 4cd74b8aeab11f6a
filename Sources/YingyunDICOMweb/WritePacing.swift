public import Hummingbird
public import NIOCore

/// Keeps a streamed response from running ahead of its socket.
///
/// A body write returns once NIO's async writer has taken the buffer, which is before the event
/// loop has written it and noticed the channel is no longer writable. A fast producer (pread from
/// the page cache) can therefore queue dozens of 512 KiB chunks in event-loop hops; each is a fresh
/// allocation, and glibc keeps what it freed: a 1 GB retrieval grew RSS by 150–280 MB. After
/// every `threshold` bytes the writer waits for one empty task on the channel's event loop, which
/// runs after the hops already queued, so writability is current when the next write asks.
/// Chunk buffers then come back free (the retrieval's ring reuses them) and RSS stays flat.
struct PacedResponseBodyWriter: ResponseBodyWriter {
    var base: any ResponseBodyWriter
    let eventLoop: any EventLoop
    static let threshold = 256 * 1024
    private var unsettled = 0

    init(base: any ResponseBodyWriter, eventLoop: any EventLoop) {
        self.base = base
        self.eventLoop = eventLoop
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        try await base.write(buffer)
        unsettled += buffer.readableBytes
        if unsettled >= Self.threshold {
            unsettled = 0
            try await eventLoop.submit {}.get()
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await base.finish(trailingHeaders)
    }
}

/// Wraps every streamed response body in a `PacedResponseBodyWriter`.
struct WritePacingMiddleware: RouterMiddleware {
    typealias Context = DICOMwebRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        let body = response.body
        let eventLoop = context.eventLoop
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(PacedResponseBodyWriter(base: writer, eventLoop: eventLoop))
        }
        return response
    }
}
