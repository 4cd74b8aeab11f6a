public import NIOCore

/// What `MultipartParser` reports, in stream order. Each part is
/// `.headers`, zero or more `.body`, `.partEnd`; the stream ends with `.end`.
public enum MultipartEvent: Sendable {
    /// A part's header fields in the order written; names lower-cased, values trimmed.
    /// Empty for a part without headers (RFC 2046 then implies text/plain).
    case headers([(name: String, value: String)])
    /// The next slice of the current part's content, usually a zero-copy slice of a fed buffer.
    case body(ByteBuffer)
    /// The current part's content is complete.
    case partEnd
    /// The close delimiter was seen; anything after it (the epilogue) is ignored.
    case end
}
