import Hummingbird
import YingyunCatalog

/// MPI refusals as HTTP: JSON bodies `{"error": code, "message": text}`. Nothing was changed
/// when one of these is answered.
struct MPIHTTPError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    init(_ e: MPIError) {
        switch e {
        case .malformedIdentifier, .invalidIdentifier, .unknownAuthority, .invalidRequest:
            self.init(.badRequest, code: e.code, e.description)
        case .unknownIdentifier, .unknownMaster:
            self.init(.notFound, code: e.code, e.description)
        case .refused:
            self.init(.conflict, code: e.code, e.description)
        }
    }

    static func badRequest(_ m: String) -> MPIHTTPError { .init(.badRequest, code: "invalid-request", m) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = MPIJSON.encode(["error": code, "message": message])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
