public import Hummingbird

/// Request-level failures and the HTTP status each maps to. Only this layer knows HTTP.
public struct DICOMwebError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    static func badRequest(_ m: String) -> DICOMwebError { .init(.badRequest, m) }
    static func notFound(_ m: String) -> DICOMwebError { .init(.notFound, m) }
    static func notAcceptable(_ m: String) -> DICOMwebError { .init(.notAcceptable, m) }
    static func unsupportedMediaType(_ m: String) -> DICOMwebError { .init(.unsupportedMediaType, m) }
}
