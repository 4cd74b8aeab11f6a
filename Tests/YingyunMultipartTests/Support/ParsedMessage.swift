import NIOCore
import Testing
import YingyunMultipart

/// A multipart body reassembled from parser events, checking on the way that the events
/// follow the documented order: (.headers .body* .partEnd)* .end.
struct ParsedMessage: Equatable {
    struct Part: Equatable {
        var headers: [[String]]
        var body: [UInt8]
    }

    var parts: [Part] = []
    var ended = false
    private var inPart = false

    mutating func apply(_ events: [MultipartEvent]) {
        for event in events {
            #expect(!ended, "event after .end")
            switch event {
            case .headers(let fields):
                #expect(!inPart, ".headers inside a part")
                inPart = true
                parts.append(Part(headers: fields.map { [$0.name, $0.value] }, body: []))
            case .body(let buffer):
                #expect(inPart, ".body outside a part")
                #expect(buffer.readableBytes > 0, "empty .body event")
                parts[parts.count - 1].body += buffer.readableBytesView
            case .partEnd:
                #expect(inPart, ".partEnd outside a part")
                inPart = false
            case .end:
                #expect(!inPart, ".end inside a part")
                ended = true
            }
        }
    }

    /// Feeds `bytes` in pieces of `chunkSize` (the last may be shorter), then finishes.
    static func parse(_ bytes: [UInt8], boundary: String, chunkSize: Int) throws -> ParsedMessage {
        var parser = try MultipartParser(boundary: boundary)
        var message = ParsedMessage()
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            message.apply(try parser.feed(ByteBuffer(bytes: bytes[start..<end])))
            start = end
        }
        try parser.finish()
        return message
    }

    /// Feeds `bytes` split at the given offsets, then finishes.
    static func parse(_ bytes: [UInt8], boundary: String, splits: [Int]) throws -> ParsedMessage {
        var parser = try MultipartParser(boundary: boundary)
        var message = ParsedMessage()
        var start = 0
        for end in splits + [bytes.count] {
            message.apply(try parser.feed(ByteBuffer(bytes: bytes[start..<end])))
            start = end
        }
        try parser.finish()
        return message
    }
}
