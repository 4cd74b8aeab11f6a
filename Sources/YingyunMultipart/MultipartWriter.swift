public import NIOCore

/// Framing for a multipart/related response (PS3.18 §8.6.1.2): the bytes written around each
/// part's content, which the caller streams itself.
///
///     --b CRLF headers CRLF CRLF <content>  CRLF --b CRLF headers CRLF CRLF <content>  CRLF --b-- CRLF
///
/// The CRLF before each later delimiter belongs to the delimiter (RFC 2046), so it is emitted
/// by the next part head or the closing, never appended to content.
/// Use the static functions directly, or an instance, which remembers whether a part was written.
public struct MultipartWriter: Sendable {
    public let boundary: String
    public private(set) var partCount = 0

    /// `boundary` nil picks a random one.
    public init(boundary: String? = nil) throws(MultipartError) {
        let boundary = boundary ?? MultipartWriter.boundary()
        try MultipartBoundary.validate(boundary)
        self.boundary = boundary
    }

    /// The head of the next part.
    public mutating func partHead(headers: [(name: String, value: String)]) -> ByteBuffer {
        defer { partCount += 1 }
        return MultipartWriter.partHead(boundary: boundary, headers: headers, first: partCount == 0)
    }

    /// The close delimiter; after it nothing more belongs to the body.
    public func closing() -> ByteBuffer {
        MultipartWriter.closing(boundary: boundary, afterParts: partCount > 0)
    }

    /// Content-Type of the whole body, e.g. `multipart/related; type="application/dicom"; boundary=…`.
    public func contentType(type: MediaType = .applicationDICOM, parameters: [MediaType.Parameter] = []) -> String {
        MultipartWriter.contentType(boundary: boundary, type: type, parameters: parameters)
    }

    /// A random boundary made of letters and digits (see `MultipartBoundary.random()`).
    public static func boundary() -> String {
        MultipartBoundary.random()
    }

    /// "--b\r\nName: value\r\n…\r\n\r\n" for the first part (`first`), "\r\n--b\r\n…" for later ones.
    /// CR, LF and NUL in names or values are replaced by spaces so a value can never end the
    /// header block early or inject a header.
    public static func partHead(
        boundary: String, headers: [(name: String, value: String)], first: Bool
    ) -> ByteBuffer {
        var size = boundary.utf8.count + 8
        for header in headers { size += header.name.utf8.count + header.value.utf8.count + 4 }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        if !first { buffer.writeStaticString("\r\n") }
        buffer.writeStaticString("--")
        buffer.writeString(boundary)
        buffer.writeStaticString("\r\n")
        for header in headers {
            writeSanitised(header.name, to: &buffer)
            buffer.writeStaticString(": ")
            writeSanitised(header.value, to: &buffer)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        return buffer
    }

    /// "\r\n--b--\r\n"; with `afterParts` false (an empty body) the leading CRLF is left out.
    public static func closing(boundary: String, afterParts: Bool = true) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: boundary.utf8.count + 8)
        if afterParts { buffer.writeStaticString("\r\n") }
        buffer.writeStaticString("--")
        buffer.writeString(boundary)
        buffer.writeStaticString("--\r\n")
        return buffer
    }

    /// `multipart/related; type="<type>"[; more parameters]; boundary=<boundary>`.
    public static func contentType(
        boundary: String, type: MediaType = .applicationDICOM, parameters: [MediaType.Parameter] = []
    ) -> String {
        MediaType.multipartRelated(
            type: type, parameters: parameters + [MediaType.Parameter(name: "boundary", value: boundary)]
        ).description
    }

    private static func writeSanitised(_ text: String, to buffer: inout ByteBuffer) {
        if text.utf8.contains(where: { $0 == .cr || $0 == .lf || $0 == 0 }) {
            buffer.writeBytes(text.utf8.map { $0 == .cr || $0 == .lf || $0 == 0 ? .space : $0 })
        } else {
            buffer.writeString(text)
        }
    }
}
