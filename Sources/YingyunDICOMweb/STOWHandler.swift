import Hummingbird
import Logging
import NIOCore
import YingyunArchive
import YingyunCatalog
import YingyunDICOM
import YingyunMultipart
import YingyunStore

/// STOW-RS (PS3.18 §10.5): a multipart/related; type="application/dicom" body parsed as it
/// arrives, each part streamed into its own ingest session. The answer lists every instance as
/// referenced (stored) or failed, with the reason.
struct STOWHandler: Sendable {
    let archive: Archive
    let baseURL: String
    let logger: Logger

    func store(_ request: Request, _ context: DICOMwebRequestContext, study: String?) async throws -> Response {
        guard let contentType = request.headers[.contentType] else {
            throw DICOMwebError.unsupportedMediaType("STOW-RS needs Content-Type: multipart/related; type=\"application/dicom\"")
        }
        let mediaType: YingyunMultipart.MediaType
        do {
            mediaType = try YingyunMultipart.MediaType(parsing: contentType)
        } catch {
            throw DICOMwebError.unsupportedMediaType("unreadable Content-Type: \(error)")
        }
        guard mediaType.essence == "multipart/related" else {
            throw DICOMwebError.unsupportedMediaType("STOW-RS accepts multipart/related; type=\"application/dicom\", not \(mediaType.essence)")
        }
        if let type = mediaType.parameter("type")?.lowercased(), type != "application/dicom" {
            throw DICOMwebError.unsupportedMediaType("multipart type \(type) is not supported; send application/dicom parts")
        }
        guard let boundary = mediaType.boundary, !boundary.isEmpty else {
            throw DICOMwebError.badRequest("multipart/related without a boundary parameter")
        }
        let parser: MultipartParser
        do {
            parser = try MultipartParser(boundary: boundary)
        } catch {
            throw DICOMwebError.badRequest("invalid multipart boundary: \(error)")
        }

        let clock = ContinuousClock()
        let started = clock.now
        let slots = try await receive(request, context, parser: parser, study: study)
        let received = clock.now
        // Acknowledge only what is durable and indexed: register in part order.
        var committed: [IngestSession] = []
        for slot in slots { if case .committed(let s) = slot { committed.append(s) } }
        var registered = await archive.register(committed)[...]
        var outcomes: [Result<IngestedInstance, IngestFailure>] = []
        for slot in slots {
            switch slot {
            case .failed(let f): outcomes.append(.failure(f))
            case .committed: outcomes.append(registered.removeFirst())
            }
        }
        if outcomes.isEmpty { throw DICOMwebError.badRequest("the multipart body holds no parts") }
        logger.debug("STOW-RS timing", metadata: [
            "parts": "\(outcomes.count)",
            "receive+commit": "\(received - started)", "register": "\(clock.now - received)",
        ])
        return STOWResponse(outcomes: outcomes, baseURL: baseURL, study: study).response()
    }

    enum Slot {
        case failed(IngestFailure)
        case committed(IngestSession)
    }

    /// At most this many parts wait for their flush at once (bounds open temporaries).
    static let maximumPendingCommits = 64

    /// Reads the body part by part. Each complete part is parsed and its durable commit started
    /// without waiting, so the parts of one request share flushes; the commits are awaited at
    /// the end. If the body fails, every blob this request created is removed again: a request
    /// that was not acknowledged leaves nothing behind.
    func receive(_ request: Request, _ context: DICOMwebRequestContext, parser: MultipartParser, study: String?) async throws -> [Slot] {
        var parser = parser
        var slots: [Slot] = []
        var pending: [Int: IngestSession] = [:]
        var failure: (any Error)?
        try await withThrowingTaskGroup(of: (Int, Result<StoredBlob, IngestFailure>).self) { group in
            var session: IngestSession?
            var skipping = false      // inside a part that is not application/dicom
            var sawEnd = false
            var inFlight = 0
            do {
                for try await buffer in request.body {
                    for event in try parser.feed(buffer) {
                        switch event {
                        case .headers(let headers):
                            let partType = headers.first { $0.name == "content-type" }
                                .map { (try? YingyunMultipart.MediaType(parsing: $0.value))?.essence ?? $0.value }
                            if let partType, partType != "application/dicom" {
                                skipping = true
                                slots.append(.failed(IngestFailure(reason: .cannotUnderstand, message: "part of type \(partType) is not application/dicom")))
                            } else {
                                skipping = false
                                session = try archive.beginIngest(source: context.sourceLabel, expectedStudyInstanceUID: study)
                            }
                        case .body(let bytes):
                            if !skipping { try await session?.write(bytes) }
                        case .partEnd:
                            skipping = false
                            guard let s = session else { continue }
                            session = nil
                            switch s.prepare() {
                            case .failure(let f):
                                slots.append(.failed(f))
                            case .success:
                                let index = slots.count
                                slots.append(.committed(s))
                                pending[index] = s
                                if inFlight >= Self.maximumPendingCommits, let (i, r) = try await group.next() {
                                    inFlight -= 1
                                    if case .failure(let f) = r { slots[i] = .failed(f) }
                                }
                                inFlight += 1
                                group.addTask { (index, await s.commitBlob()) }
                            }
                        case .end:
                            sawEnd = true
                        }
                    }
                }
                if !sawEnd { try parser.finish() }
            } catch {
                session?.abort()
                failure = error
            }
            while let (i, r) = try await group.next() {
                if case .failure(let f) = r { slots[i] = .failed(f) }
            }
        }
        guard let failure else { return slots }
        for s in pending.values { await s.discard() }
        switch failure {
        case let e as MultipartError:
            logger.info("STOW-RS body rejected", metadata: ["reason": "\(e)"])
            throw DICOMwebError.badRequest("malformed or truncated multipart body: \(e); nothing from this request was stored")
        case let e as IngestFailure:
            throw DICOMwebError(.internalServerError, "\(e); nothing from this request was stored")
        default:
            // The client went away or the connection failed.
            logger.info("STOW-RS upload aborted", metadata: ["error": "\(failure)"])
            throw failure
        }
    }
}
