import Hummingbird
import Logging
import NIOCore
import YingyunArchive
import YingyunCatalog
import YingyunDICOM
import YingyunMultipart

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
        var parser: MultipartParser
        do {
            parser = try MultipartParser(boundary: boundary)
        } catch {
            throw DICOMwebError.badRequest("invalid multipart boundary: \(error)")
        }

        var outcomes: [Result<IngestedInstance, IngestFailure>] = []
        var session: IngestSession?
        var skipping = false      // inside a part that is not application/dicom
        var sawEnd = false
        do {
            for try await buffer in request.body {
                for event in try parser.feed(buffer) {
                    switch event {
                    case .headers(let headers):
                        let partType = headers.first { $0.name == "content-type" }.map { (try? YingyunMultipart.MediaType(parsing: $0.value))?.essence ?? $0.value }
                        if let partType, partType != "application/dicom" {
                            skipping = true
                            outcomes.append(.failure(IngestFailure(reason: .cannotUnderstand, message: "part of type \(partType) is not application/dicom")))
                        } else {
                            skipping = false
                            session = try archive.beginIngest(source: context.sourceLabel, expectedStudyInstanceUID: study)
                        }
                    case .body(let bytes):
                        if !skipping { try await session?.write(bytes) }
                    case .partEnd:
                        if let s = session {
                            outcomes.append(await s.finish())
                            session = nil
                        }
                        skipping = false
                    case .end:
                        sawEnd = true
                    }
                }
            }
            if !sawEnd { try parser.finish() }
        } catch let e as MultipartError {
            session?.abort()
            logger.info("STOW-RS body rejected", metadata: ["reason": "\(e)"])
            if outcomes.isEmpty { throw DICOMwebError.badRequest("malformed multipart body: \(e)") }
            outcomes.append(.failure(IngestFailure(reason: .cannotUnderstand, message: "malformed or truncated multipart body: \(e)")))
        } catch let e as IngestFailure {
            session?.abort()
            outcomes.append(.failure(e))
        } catch {
            // The client went away or the connection failed: nothing of the open part is kept.
            session?.abort()
            logger.info("STOW-RS upload aborted", metadata: ["error": "\(error)"])
            throw error
        }
        if outcomes.isEmpty { throw DICOMwebError.badRequest("the multipart body holds no parts") }
        return STOWResponse(outcomes: outcomes, baseURL: baseURL, study: study).response()
    }
}
