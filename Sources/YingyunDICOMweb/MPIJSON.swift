import Foundation
import Hummingbird
import NIOCore

/// JSON in and out of the /mpi API (Foundation's coders; bodies are small and bounded).
enum MPIJSON {
    /// Largest request body accepted by an /mpi action.
    static let maximumBody = 64 * 1024

    static func encode(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        var data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        data.append(0x0A)
        return ByteBuffer(bytes: data)
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: encode(value)))
    }

    /// Decodes a JSON request body.
    /// - Throws: `MPIHTTPError` 415 when it is not declared JSON, 400 when it is not valid JSON of `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        if let ct = request.headers[.contentType], !ct.lowercased().hasPrefix("application/json") {
            throw MPIHTTPError(.unsupportedMediaType, code: "unsupported-media-type", "send application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximumBody)
        } catch {
            throw MPIHTTPError(.contentTooLarge, code: "too-large", "the body is limited to \(maximumBody) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw MPIHTTPError.badRequest("the body is not the expected JSON: \(error)")
        }
    }
}
