/// Everything that can go wrong while reading or framing multipart bodies and their media types.
///
/// The HTTP layer maps these to statuses (400 for malformed input, 415/406 for media types);
/// this module never decides that itself.
public enum MultipartError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A Content-Type or media-range value does not follow the RFC 9110 grammar.
    case invalidMediaType(value: String, reason: String)
    /// An Accept header value does not follow the RFC 9110 grammar (e.g. a bad q-value).
    case invalidAcceptHeader(value: String, reason: String)
    /// A boundary is empty, longer than 70 characters, or uses characters outside RFC 2046 `bchars`.
    case invalidBoundary(String)
    /// The Content-Type is not multipart/* or carries no boundary parameter.
    case missingBoundary(contentType: String)
    /// A delimiter ("--boundary") at the start of a line was followed by something other than
    /// transport padding and CRLF, or "--".
    case malformedDelimiter
    /// A part's header block is longer than the configured limit.
    case headerTooLarge(limit: Int)
    /// A header line inside a part has no colon or an empty / invalid field name.
    case malformedHeader(line: String)
    /// The body ended before the close delimiter ("--boundary--") was seen.
    case truncated

    public var description: String {
        switch self {
        case .invalidMediaType(let value, let reason):
            "invalid media type \"\(value)\": \(reason)"
        case .invalidAcceptHeader(let value, let reason):
            "invalid Accept header \"\(value)\": \(reason)"
        case .invalidBoundary(let boundary):
            "invalid multipart boundary \"\(boundary)\": RFC 2046 allows 1-70 characters from [A-Za-z0-9'()+_,-./:=? ], not ending in a space"
        case .missingBoundary(let contentType):
            "content type \"\(contentType)\" is not multipart or has no boundary parameter"
        case .malformedDelimiter:
            "multipart delimiter line is not followed by CRLF or \"--\""
        case .headerTooLarge(let limit):
            "multipart part header block exceeds \(limit) bytes"
        case .malformedHeader(let line):
            "malformed multipart part header line \"\(line)\""
        case .truncated:
            "multipart body ended before the close delimiter"
        }
    }
}
