import Dispatch
import Hummingbird
import NIOCore
import YingyunArchive
import YingyunCatalog
import YingyunDICOM
import YingyunMultipart
import YingyunStore

/// WADO-RS: instances (multipart or single application/dicom), metadata, frames and bulk data,
/// all streamed from the blob store in chunks — never a whole study in memory.
struct WADOHandler: Sendable {
    let archive: Archive
    let baseURL: String
    var transcoder = Transcoder()
    static let chunkSize = 512 * 1024

    func rows(_ scope: Scope) async throws -> [StoredInstance] {
        let rows = try await archive.catalog.instances(
            studyInstanceUID: scope.study, seriesInstanceUID: scope.series, sopInstanceUID: scope.instance)
        if rows.isEmpty { throw DICOMwebError.notFound("no such \(scope.instance != nil ? "instance" : scope.series != nil ? "series" : "study")") }
        return rows
    }

    func reader(_ row: StoredInstance) throws -> any BlobReader {
        guard let digest = BlobDigest(hex: row.digest) else { throw DICOMwebError(.internalServerError, "bad digest in catalog") }
        do {
            return try archive.store.reader(for: digest)
        } catch {
            throw DICOMwebError(.internalServerError, "stored object for \(row.sopInstanceUID) is unavailable")
        }
    }

    static func stream(_ reader: any BlobReader, _ range: Range<Int>, to writer: inout any ResponseBodyWriter) async throws {
        var pool = BufferRing()
        try await stream(reader, range, to: &writer, pool: &pool)
    }

    /// Streams `range` in chunks read into recycled buffers: by the time a buffer comes round
    /// again the channel has sent it (writes wait for writability), so its storage is reused
    /// instead of allocating and freeing 512 KiB per chunk.
    static func stream(
        _ reader: any BlobReader, _ range: Range<Int>, to writer: inout any ResponseBodyWriter, pool: inout BufferRing
    ) async throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let n = min(chunkSize, range.upperBound - offset)
            var buffer = pool.next()
            try reader.read(at: offset, count: n, into: &buffer)
            guard buffer.readableBytes > 0 else { break }
            offset += buffer.readableBytes
            try await writer.write(buffer)
            pool.giveBack(buffer)
        }
    }

    // MARK: instances

    func retrieve(_ request: Request, scope: Scope) async throws -> Response {
        let representation = try Negotiation.instanceRepresentation(request, singleAllowed: scope.instance != nil)
        let rows = try await rows(scope)
        // Every instance's syntax is decided before the first byte: 406 rather than a partial answer.
        let targets = try rows.map { row in
            guard let ts = representation.target(for: row.transferSyntaxUID, transcoder) else {
                throw DICOMwebError.notAcceptable(
                    "instance \(row.sopInstanceUID) is stored as \(row.transferSyntaxUID) and cannot be sent as "
                        + representation.transferSyntaxes.joined(separator: " or "))
            }
            return ts
        }
        if representation.single {
            return targets[0] == rows[0].transferSyntaxUID
                ? try single(request, rows[0]) : try await transcodedSingle(rows[0], to: targets[0])
        }
        let boundary = MultipartWriter.boundary()
        // Objects are opened as the stream reaches them: the first byte does not wait for
        // two hundred open() calls.
        let first = try reader(rows[0])
        let asStored = zip(rows, targets).allSatisfy { $0.transferSyntaxUID == $1 }
        // Stored bytes have known sizes, so the body gets a Content-Length (a client can show
        // progress); a transcoded part's size is only known once written, so then it is chunked.
        let heads = rows.indices.map { i in
            var headers = [("Content-Type", "application/dicom; transfer-syntax=\(targets[i])")]
            if targets[i] == rows[i].transferSyntaxUID { headers.append(("Content-Length", String(rows[i].size))) }
            return MultipartWriter.partHead(boundary: boundary, headers: headers, first: i == 0)
        }
        let closing = MultipartWriter.closing(boundary: boundary)
        let length = heads.reduce(0) { $0 + $1.readableBytes } + rows.reduce(0) { $0 + $1.size } + closing.readableBytes
        let parts = MultipartParts(rows: rows, targets: targets, heads: heads, closing: closing, first: first, handler: self)
        let body = asStored
            ? ResponseBody(contentLength: length) { writer in try await parts.write(to: &writer) }
            : ResponseBody { writer in try await parts.write(to: &writer) }
        return Response(
            status: .ok,
            headers: [.contentType: MultipartWriter.contentType(boundary: boundary, type: .applicationDICOM)],
            body: body)
    }

    /// The parts of one multipart retrieval, written in order.
    struct MultipartParts: Sendable {
        let rows: [StoredInstance]
        let targets: [String]
        let heads: [ByteBuffer]
        let closing: ByteBuffer
        let first: any BlobReader
        let handler: WADOHandler

        /// Objects opened and read ahead of the one being sent: their disk reads overlap the
        /// sending of earlier ones (a study not read lately: 380 → ~800 MB/s here).
        static let readAhead = 4

        func write(to writer: inout any ResponseBodyWriter) async throws {
            var pool = BufferRing()
            // Readers of rows i, i+1, ... in order; the front one is sent next.
            var ahead: [any BlobReader] = [first]
            first.willRead()
            for (i, row) in rows.enumerated() {
                while i + ahead.count < min(rows.count, i + 1 + Self.readAhead) {
                    let next = try handler.reader(rows[i + ahead.count])
                    next.willRead()
                    ahead.append(next)
                }
                let r = ahead.removeFirst()
                guard r.size == row.size else {
                    // The catalog's size is what the framing promises: a changed object cannot be sent.
                    throw DICOMwebError(.internalServerError, "stored object of \(row.sopInstanceUID) has the wrong size")
                }
                try await writer.write(heads[i])
                if targets[i] == row.transferSyntaxUID {
                    try await WADOHandler.stream(r, 0..<row.size, to: &writer, pool: &pool)
                } else {
                    try await WADOHandler.transcode(r, to: targets[i], handler.transcoder, into: &writer)
                }
            }
            try await writer.write(closing)
            try await writer.finish(nil)
        }
    }

    /// Streams the object re-encoded in `target`; the writer runs on its own thread, a few chunks ahead.
    static func transcode(
        _ reader: any BlobReader, to target: String, _ transcoder: Transcoder, into writer: inout any ResponseBodyWriter
    ) async throws {
        let pipe = SinkPipe { sink in try transcoder.transcode(reader, to: target, sink: sink) }
        var out = writer
        try await pipe.forEach { try await out.write($0) }
        writer = out
    }

    /// One instance re-encoded as application/dicom. Its bytes are made on the fly, so there is no
    /// stored digest to use as ETag and no Range. A compressed object is decoded before the answer
    /// starts, so pixels that do not decode get a 406 naming why instead of a cut-off body.
    func transcodedSingle(_ row: StoredInstance, to target: String) async throws -> Response {
        let r = try reader(row)
        let transcoder = transcoder
        let headers: HTTPFields = [.contentType: "application/dicom; transfer-syntax=\(target)"]
        if transcoder.plan(from: row.transferSyntaxUID, to: target) == .decode {
            let bytes: ByteBuffer
            do {
                bytes = try await Self.offloaded {
                    var out = ByteBuffer()
                    try transcoder.transcode(r, to: target) { chunk in
                        var c = chunk
                        out.writeBuffer(&c)
                    }
                    return out
                }
            } catch {
                throw DICOMwebError.notAcceptable(
                    "instance \(row.sopInstanceUID) (\(row.transferSyntaxUID)) could not be decoded for \(target): \(error)")
            }
            var h = headers
            h[.contentLength] = String(bytes.readableBytes)
            return Response(status: .ok, headers: h, body: .init(byteBuffer: bytes))
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await Self.transcode(r, to: target, transcoder, into: &writer)
            try await writer.finish(nil)
        })
    }

    /// Runs CPU-heavy work (decoding) on a dispatch thread, not on the two cooperative threads
    /// that serve every request.
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// One instance as application/dicom: immutable, so ETag = digest, 304 and Range apply.
    func single(_ request: Request, _ row: StoredInstance) throws -> Response {
        let etag = "\"\(row.digest)\""
        var headers: HTTPFields = [
            .contentType: "application/dicom; transfer-syntax=\(row.transferSyntaxUID)",
            .eTag: etag,
            .cacheControl: "private, max-age=31536000, immutable",
            .acceptRanges: "bytes",
        ]
        if let inm = request.headers[.ifNoneMatch], inm.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag[...] || $0.trimmingSpaces() == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        let r = try reader(row)
        var range = 0..<row.size
        var status = HTTPResponse.Status.ok
        if let spec = request.headers[.range] {
            guard let parsed = ByteRange.parse(spec, size: row.size) else {
                headers[.contentRange] = "bytes */\(row.size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            range = parsed
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(row.size)"
        }
        headers[.contentLength] = String(range.count)
        let chosen = range
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: chosen.count) { writer in
            try await Self.stream(r, chosen, to: &writer)
            try await writer.finish(nil)
        })
    }

    // MARK: frames

    func frames(_ request: Request, scope: Scope, list: String) async throws -> Response {
        let row = try await rows(scope)[0]
        var numbers: [Int] = []
        for piece in list.split(separator: ",") {
            guard let n = Int(piece.trimmingSpaces()), n >= 1 else {
                throw DICOMwebError.badRequest("frame numbers are positive integers separated by commas")
            }
            numbers.append(n)
        }
        guard !numbers.isEmpty else { throw DICOMwebError.badRequest("no frame numbers") }
        let plan = try framePlan(row)
        guard !plan.frames.isEmpty else {
            throw DICOMwebError.notFound("instance \(row.sopInstanceUID) has no addressable frames")
        }
        if let bad = numbers.first(where: { $0 > plan.frames.count }) {
            throw DICOMwebError.notFound("frame \(bad) does not exist: the instance has \(plan.frames.count)")
        }
        let ts = TransferSyntax(uid: row.transferSyntaxUID)
        let mediaType = MediaTypes.frameMediaType(transferSyntaxUID: row.transferSyntaxUID, encapsulated: ts.isEncapsulated)
        if !acceptsFrames(request, mediaType: mediaType, transferSyntax: row.transferSyntaxUID) {
            // Compressed frames asked for as native samples (what AI clients want): decode them.
            guard ts.isEncapsulated, transcoder.decoder != nil, acceptsNativeFrames(request) else {
                throw DICOMwebError.notAcceptable("frames are stored as \(mediaType) (\(row.transferSyntaxUID)) and cannot be sent as asked")
            }
            return try await decodedFrames(row, numbers: numbers)
        }
        let partType = ts.isEncapsulated ? "\(mediaType); transfer-syntax=\(row.transferSyntaxUID)" : mediaType
        let boundary = MultipartWriter.boundary()
        let frames = numbers.map { plan.frames[$0 - 1] }
        let body = ResponseBody { writer in
            for (i, ranges) in frames.enumerated() {
                let length = ranges.reduce(0) { $0 + $1.count }
                try await writer.write(MultipartWriter.partHead(
                        boundary: boundary, headers: [("Content-Type", partType), ("Content-Length", String(length))], first: i == 0))
                for range in ranges { try await plan.stream(range, to: &writer) }
            }
            try await writer.write(MultipartWriter.closing(boundary: boundary))
            try await writer.finish(nil)
        }
        let outer = ts.isEncapsulated
            ? "multipart/related; type=\"\(mediaType)\"; transfer-syntax=\(row.transferSyntaxUID); boundary=\(boundary)"
            : MultipartWriter.contentType(boundary: boundary, type: .applicationOctetStream)
        return Response(status: .ok, headers: [.contentType: outer], body: body)
    }

    /// Whether the Accept header admits the frames as stored.
    func acceptsFrames(_ request: Request, mediaType: String, transferSyntax: String) -> Bool {
        let ranges = Negotiation.ranges(request)
        if ranges.isEmpty { return true }
        for r in ranges {
            if r.type == "*/*" { return true }
            let type = r.type == "multipart/related" ? (r.parameters["type"]?.lowercased() ?? "application/octet-stream") : r.type
            let ts = r.parameters["transfer-syntax"]
            if type == "*/*" || type == mediaType || (type.hasSuffix("/*") && mediaType.hasPrefix(type.dropLast())) {
                if ts == nil || ts == "*" || ts == transferSyntax || mediaType == "application/octet-stream" { return true }
            }
        }
        return false
    }

    /// Whether the client takes application/octet-stream in Explicit VR Little Endian (the default
    /// transfer syntax of that media type).
    func acceptsNativeFrames(_ request: Request) -> Bool {
        Negotiation.ranges(request).contains { r in
            let type = r.type == "multipart/related" ? (r.parameters["type"]?.lowercased() ?? "application/octet-stream") : r.type
            let ts = r.parameters["transfer-syntax"] ?? Negotiation.defaultTransferSyntax
            return type == "application/octet-stream" && (ts == Negotiation.defaultTransferSyntax || ts == "*")
        }
    }

    /// The requested frames of a compressed instance, decoded before the answer starts (so a frame
    /// that does not decode is a 406 naming why), sent as little-endian octet streams.
    func decodedFrames(_ row: StoredInstance, numbers: [Int]) async throws -> Response {
        let r = try reader(row)
        let transcoder = transcoder
        let frames: [ByteBuffer]
        do {
            frames = try await Self.offloaded { try transcoder.decodedFrames(r, numbers: numbers).map(\.bytes) }
        } catch {
            throw DICOMwebError.notAcceptable("frames of \(row.sopInstanceUID) (\(row.transferSyntaxUID)) could not be decoded: \(error)")
        }
        let boundary = MultipartWriter.boundary()
        let partType = "application/octet-stream; transfer-syntax=\(Negotiation.defaultTransferSyntax)"
        var body = ByteBuffer()
        for (i, frame) in frames.enumerated() {
            var head = MultipartWriter.partHead(
                boundary: boundary, headers: [("Content-Type", partType), ("Content-Length", String(frame.readableBytes))], first: i == 0)
            body.writeBuffer(&head)
            var f = frame
            body.writeBuffer(&f)
        }
        var closing = MultipartWriter.closing(boundary: boundary)
        body.writeBuffer(&closing)
        return Response(
            status: .ok,
            headers: [.contentType: MultipartWriter.contentType(boundary: boundary, type: .applicationOctetStream), .contentLength: String(body.readableBytes)],
            body: .init(byteBuffer: body))
    }

    // MARK: bulk data

    /// Bulk data URIs are `…/bulkdata/<offset>-<length>` into the stored object (we mint them in
    /// metadata responses), so serving one is a ranged read.
    func bulkdata(_ request: Request, scope: Scope, range spec: String) async throws -> Response {
        let row = try await rows(scope)[0]
        let parts = spec.split(separator: "-")
        guard parts.count == 2, let offset = Int(parts[0]), let length = Int(parts[1]),
              offset >= 0, length >= 0, offset + length <= row.size else {
            throw DICOMwebError.notFound("no such bulk data")
        }
        let r = try reader(row)
        var range = offset..<(offset + length)
        if Negotiation.wantsSinglePart(request) {
            var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes", .eTag: "\"\(row.digest)-\(spec)\""]
            var status = HTTPResponse.Status.ok
            if let h = request.headers[.range] {
                guard let sub = ByteRange.parse(h, size: length) else {
                    headers[.contentRange] = "bytes */\(length)"
                    return Response(status: .rangeNotSatisfiable, headers: headers)
                }
                headers[.contentRange] = "bytes \(sub.lowerBound)-\(sub.upperBound - 1)/\(length)"
                range = (offset + sub.lowerBound)..<(offset + sub.upperBound)
                status = .partialContent
            }
            headers[.contentLength] = String(range.count)
            let chosen = range
            return Response(status: status, headers: headers, body: ResponseBody(contentLength: chosen.count) { writer in
                try await Self.stream(r, chosen, to: &writer)
                try await writer.finish(nil)
            })
        }
        let boundary = MultipartWriter.boundary()
        let chosen = range
        let body = ResponseBody { writer in
            try await writer.write(MultipartWriter.partHead(
                        boundary: boundary, headers: [("Content-Type", "application/octet-stream"), ("Content-Length", String(chosen.count))], first: true))
            try await Self.stream(r, chosen, to: &writer)
            try await writer.write(MultipartWriter.closing(boundary: boundary))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: MultipartWriter.contentType(boundary: boundary, type: .applicationOctetStream)], body: body)
    }
}

/// A single HTTP byte range ("bytes=a-b", "bytes=a-", "bytes=-n") within a body of `size` bytes.
enum ByteRange {
    static func parse(_ header: String, size: Int) -> Range<Int>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let a = spec[..<dash], b = spec[spec.index(after: dash)...]
        if a.isEmpty {
            guard let n = Int(b), n > 0 else { return nil }
            return max(0, size - n)..<size
        }
        guard let start = Int(a), start < size else { return nil }
        if b.isEmpty { return start..<size }
        guard let end = Int(b), end >= start else { return nil }
        return start..<min(end + 1, size)
    }
}

/// Where a frame's bytes come from and whether they must be byte-swapped: offsets stored at
/// ingest for the usual case; for the rare deflated or big-endian object the header is parsed
/// again, because octet-stream frames are always little endian (PS3.18 §8.7.3.3.2).
struct FramePlan {
    var source: any ByteSource
    var frames: [[Range<Int>]]
    /// 2 or 4 to swap 16/32-bit words to little endian; 1 to send bytes as they are.
    var swapUnit: Int

    func stream(_ range: Range<Int>, to writer: inout any ResponseBodyWriter) async throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let n = min(WADOHandler.chunkSize, range.upperBound - offset)
            var buffer = try source.bytes(at: offset, count: n)
            guard buffer.readableBytes > 0 else { break }
            offset += buffer.readableBytes
            if swapUnit > 1 { buffer = Self.swapped(buffer, unit: swapUnit) }
            try await writer.write(buffer)
        }
    }

    static func swapped(_ buffer: ByteBuffer, unit: Int) -> ByteBuffer {
        var bytes = Array(buffer.readableBytesView)
        var i = 0
        while i + unit <= bytes.count {
            bytes[i..<(i + unit)].reverse()
            i += unit
        }
        return ByteBuffer(bytes: bytes)
    }
}

extension WADOHandler {
    func framePlan(_ row: StoredInstance) throws -> FramePlan {
        let blob = BlobByteSource(reader: try reader(row))
        let ts = TransferSyntax(uid: row.transferSyntaxUID)
        guard ts.isDeflated || !ts.isLittleEndian else {
            return FramePlan(source: blob, frames: row.frames, swapUnit: 1)
        }
        let file: DICOMFile
        do {
            file = try DICOMFile.parse(blob, options: ParseOptions(stopBeforePixelData: false, bulkDataThreshold: 4096))
        } catch {
            throw DICOMwebError(.internalServerError, "stored object of \(row.sopInstanceUID) no longer parses: \(error)")
        }
        let layout = FrameLayout.frames(of: file, inflated: true)
        let bits = file.dataSet[.bitsAllocated]?.intValue ?? 8
        let pixelVR = file.dataSet[.pixelData]?.vr
        let unit = (!ts.isLittleEndian && pixelVR == .OW && bits > 8) ? bits / 8 : 1
        return FramePlan(source: file.valueSource(blob), frames: layout.frames, swapUnit: unit)
    }
}

/// A few chunk buffers used in turn by one response stream.
struct BufferRing {
    private var buffers: [ByteBuffer] = []
    private var index = 0
    static let size = 4

    /// An empty buffer: a recycled one when available (cleared; its storage is reused only if
    /// nothing else still refers to it), else a new one.
    mutating func next() -> ByteBuffer {
        guard buffers.count == Self.size else {
            return ByteBufferAllocator().buffer(capacity: WADOHandler.chunkSize)
        }
        var b = buffers[index]
        buffers[index] = ByteBuffer()  // drop our reference so `b` is uniquely held if NIO is done
        b.clear()
        return b
    }

    mutating func giveBack(_ buffer: ByteBuffer) {
        if buffers.count < Self.size {
            buffers.append(buffer)
        } else {
            buffers[index] = buffer
            index = (index + 1) % Self.size
        }
    }
}
