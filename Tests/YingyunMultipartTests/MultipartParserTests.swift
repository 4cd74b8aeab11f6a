import NIOCore
import Testing
import YingyunMultipart

@Suite struct MultipartParserTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    let simple = bytes(
        "preamble text\r\n--frontier\r\nContent-Type: application/dicom\r\nContent-Location: a\r\n\r\n"
        + "first\r\nbody\r\n--frontier\r\ncontent-type: text/plain\r\n\r\nsecond\r\n--frontier--\r\nepilogue\r\n--frontier\r\n")

    @Test func parsesPartsHeadersAndContent() throws {
        let message = try ParsedMessage.parse(simple, boundary: "frontier", chunkSize: .max)
        #expect(message.ended)
        #expect(message.parts == [
            .init(headers: [["content-type", "application/dicom"], ["content-location", "a"]], body: Self.bytes("first\r\nbody")),
            .init(headers: [["content-type", "text/plain"]], body: Self.bytes("second")),
        ])
    }

    @Test func everySingleSplitPointGivesTheSameResult() throws {
        let whole = try ParsedMessage.parse(simple, boundary: "frontier", chunkSize: .max)
        for split in 0...simple.count {
            #expect(try ParsedMessage.parse(simple, boundary: "frontier", splits: [split]) == whole, "split at \(split)")
        }
    }

    @Test func everyPairOfSplitPointsGivesTheSameResult() throws {
        let message = Self.bytes("--b\r\n\r\nx\r\n\r\n-\r\n-b\r--b\n--b\r\n--b \t\r\nA:1\r\n\r\n\r\r\n--b--")
        let whole = try ParsedMessage.parse(message, boundary: "b", chunkSize: .max)
        #expect(whole.parts.map(\.body) == [Self.bytes("x\r\n\r\n-\r\n-b\r--b\n--b"), Self.bytes("\r")])
        for first in 0...message.count {
            for second in first...message.count {
                #expect(try ParsedMessage.parse(message, boundary: "b", splits: [first, second]) == whole)
            }
        }
    }

    @Test func boundaryTextNotAtLineStartIsContent() throws {
        let message = Self.bytes("--xy\r\n\r\na--xy\n--xy\r--xy\r\n-xy\r\n--x\r\n--xy--")
        let parsed = try ParsedMessage.parse(message, boundary: "xy", chunkSize: .max)
        #expect(parsed.parts.map(\.body) == [Self.bytes("a--xy\n--xy\r--xy\r\n-xy\r\n--x")])
    }

    @Test func transportPaddingAfterDelimiters() throws {
        let message = Self.bytes("--b \t \r\nA: 1\r\n\r\none\r\n--b\t\r\n\r\ntwo\r\n--b--  \r\n")
        let parsed = try ParsedMessage.parse(message, boundary: "b", chunkSize: 1)
        #expect(parsed.parts == [.init(headers: [["a", "1"]], body: Self.bytes("one")), .init(headers: [], body: Self.bytes("two"))])
    }

    @Test func partWithoutHeadersAndEmptyBodies() throws {
        // Second part: no headers and no content at all ("--b CRLF" then the next delimiter's CRLF).
        let message = Self.bytes("--b\r\n\r\n\r\n--b\r\n\r\n--b\r\nX: y\r\n\r\n--b--")
        let parsed = try ParsedMessage.parse(message, boundary: "b", chunkSize: .max)
        #expect(parsed.parts == [
            .init(headers: [], body: []), .init(headers: [], body: []), .init(headers: [["x", "y"]], body: []),
        ])
    }

    @Test func headersAreTrimmedUnfoldedAndKeepOrder() throws {
        let message = Self.bytes("--b\r\nB:  v1 \r\nA:\r\nLong: part one\r\n\t part two\r\nB: v2\r\n\r\nc\r\n--b--")
        let parsed = try ParsedMessage.parse(message, boundary: "b", chunkSize: 3)
        #expect(parsed.parts[0].headers == [["b", "v1"], ["a", ""], ["long", "part one part two"], ["b", "v2"]])
    }

    @Test func closeDelimiterWithoutPartsEndsTheBody() throws {
        let parsed = try ParsedMessage.parse(Self.bytes("--b--"), boundary: "b", chunkSize: .max)
        #expect(parsed.ended)
        #expect(parsed.parts.isEmpty)
    }

    @Test func boundaryLookalikesInThePreambleAreSkipped() throws {
        let message = Self.bytes("--bb\r\n--b-x\r\nx--b\r\n--b\r\n\r\nbody\r\n--b--")
        let parsed = try ParsedMessage.parse(message, boundary: "b", chunkSize: 2)
        #expect(parsed.parts == [.init(headers: [], body: Self.bytes("body"))])
    }

    @Test func contentIsHeldBackOnlyWhileItMayStartADelimiter() throws {
        var parser = try MultipartParser(boundary: "boundary")
        _ = try parser.feed(ByteBuffer(string: "--boundary\r\n\r\n"))
        var events = try parser.feed(ByteBuffer(string: "abc\r\n--bou"))
        #expect(Self.bodies(events) == Self.bytes("abc"))
        events = try parser.feed(ByteBuffer(string: "nd"))
        #expect(events.isEmpty)
        events = try parser.feed(ByteBuffer(string: "x\r"))
        #expect(Self.bodies(events) == Self.bytes("\r\n--boundx"))
        events = try parser.feed(ByteBuffer(string: "\n--boundary--"))
        #expect(Self.bodies(events).isEmpty)
        guard case .partEnd = events.first, case .end = events.last, events.count == 2 else {
            Issue.record("expected .partEnd .end, got \(events)")
            return
        }
        try parser.finish()
        #expect(parser.isComplete)
    }

    @Test func bodySlicesShareTheFedBuffersStorage() throws {
        var parser = try MultipartParser(boundary: "b")
        let content = [UInt8](repeating: 7, count: 10_000)
        let input = ByteBuffer(bytes: Self.bytes("--b\r\n\r\n") + content + Self.bytes("\r\n--b--"))
        let events = try parser.feed(input)
        guard case .body(let body) = events[1] else {
            Issue.record("expected .body, got \(events[1])")
            return
        }
        #expect(body.readableBytes == content.count)
        let inputAddress = input.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let bodyAddress = body.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(bodyAddress == inputAddress + 7)
    }

    @Test func honoursTheReaderIndexOfFedBuffers() throws {
        var parser = try MultipartParser(boundary: "b")
        var buffer = ByteBuffer(string: "IGNORED--b\r\n\r\nxyz\r\n--b--")
        buffer.moveReaderIndex(forwardBy: 7)
        var message = ParsedMessage()
        message.apply(try parser.feed(buffer))
        #expect(message.parts == [.init(headers: [], body: Self.bytes("xyz"))])
    }

    @Test func takesTheBoundaryFromTheContentType() throws {
        var parser = try MultipartParser(contentType: MediaType(parsing: #"multipart/related; type="application/dicom"; boundary="a b""#))
        #expect(parser.boundary == "a b")
        var message = ParsedMessage()
        message.apply(try parser.feed(ByteBuffer(string: "--a b\r\n\r\n1\r\n--a b--")))
        #expect(message.parts.map(\.body) == [Self.bytes("1")])
        #expect(throws: MultipartError.missingBoundary(contentType: "multipart/related")) {
            try MultipartParser(contentType: MediaType(parsing: "multipart/related"))
        }
        #expect(throws: MultipartError.missingBoundary(contentType: "application/dicom; boundary=x")) {
            try MultipartParser(contentType: MediaType(parsing: "application/dicom; boundary=x"))
        }
    }

    static func bodies(_ events: [MultipartEvent]) -> [UInt8] {
        events.flatMap { event -> [UInt8] in
            if case .body(let buffer) = event { return Array(buffer.readableBytesView) }
            return []
        }
    }
}

@Suite struct MultipartParserErrorTests {
    @Test(arguments: ["", String(repeating: "a", count: 71), "a\r", "a\n", "ab ", "ä", "a\"b", "a;b", "a\tb"])
    func rejectsInvalidBoundaries(_ boundary: String) {
        #expect(throws: MultipartError.invalidBoundary(boundary)) { try MultipartParser(boundary: boundary) }
    }

    @Test(arguments: [String(repeating: "z", count: 70), "a b", "'()+_,-./:=?", "0"])
    func acceptsValidBoundaries(_ boundary: String) throws {
        _ = try MultipartParser(boundary: boundary)
    }

    @Test(arguments: [
        "",
        "no delimiter at all",
        "--b",
        "--b\r\n",
        "--b\r\nContent-Type: a",
        "--b\r\nContent-Type: a\r\n\r\nbody",
        "--b\r\n\r\nbody\r\n--b",
        "--b\r\n\r\nbody\r\n--b-",
        "--b\r\n\r\nbody\r\n--b\r\n\r\n",
        "--b\r\n\r\nbody\r\n-- b--",
    ])
    func reportsTruncation(_ text: String) throws {
        for chunkSize in [1, 2, 1000] {
            #expect(throws: MultipartError.truncated) {
                try ParsedMessage.parse(Array(text.utf8), boundary: "b", chunkSize: chunkSize)
            }
        }
    }

    @Test func headerBlockLimit() throws {
        let limit = MultipartParser.defaultMaximumHeaderSize
        // Exactly at the limit (header lines plus the empty line's CRLF) is fine…
        let fitting = "X: " + String(repeating: "v", count: limit - 7) + "\r\n\r\n"
        #expect(fitting.utf8.count == limit)
        let message = try ParsedMessage.parse(Array(("--b\r\n" + fitting + "c\r\n--b--").utf8), boundary: "b", chunkSize: 1000)
        #expect(message.parts.first?.headers.first?.first == "x")
        // …one byte more is not, however it is fed.
        let tooLarge = "--b\r\nX: " + String(repeating: "v", count: limit - 6) + "\r\n\r\nc\r\n--b--"
        for chunkSize in [1, 1000, 100_000] {
            #expect(throws: MultipartError.headerTooLarge(limit: limit)) {
                try ParsedMessage.parse(Array(tooLarge.utf8), boundary: "b", chunkSize: chunkSize)
            }
        }
        // A header block that never ends is stopped without buffering the rest of the body.
        var parser = try MultipartParser(boundary: "b", maximumHeaderSize: 100)
        _ = try parser.feed(ByteBuffer(string: "--b\r\n"))
        #expect(throws: MultipartError.headerTooLarge(limit: 100)) {
            try parser.feed(ByteBuffer(bytes: [UInt8](repeating: 65, count: 101)))
        }
    }

    @Test(arguments: ["no colon", ": empty name", "bad name: x", "\tfolded first line"])
    func rejectsMalformedHeaderLines(_ line: String) {
        let text = "--b\r\n" + line + "\r\n\r\nbody\r\n--b--"
        #expect(throws: MultipartError.malformedHeader(line: line)) {
            try ParsedMessage.parse(Array(text.utf8), boundary: "b", chunkSize: 5)
        }
    }

    @Test(arguments: ["--b\r\n\r\nx\r\n--bc\r\n\r\n--b--", "--b\r\n\r\nx\r\n--b-x", "--b\r\n\r\nx\r\n--b \r\r\n", "--b\r\n\r\nx\r\n--b \n"])
    func rejectsMalformedDelimiterLines(_ text: String) {
        for chunkSize in [1, 100] {
            #expect(throws: MultipartError.malformedDelimiter) {
                try ParsedMessage.parse(Array(text.utf8), boundary: "b", chunkSize: chunkSize)
            }
        }
    }

    @Test func anErrorIsStickyAcrossLaterCalls() throws {
        var parser = try MultipartParser(boundary: "b")
        _ = try parser.feed(ByteBuffer(string: "--b\r\n\r\nx"))
        #expect(throws: MultipartError.malformedDelimiter) { try parser.feed(ByteBuffer(string: "\r\n--b!")) }
        #expect(throws: MultipartError.malformedDelimiter) { try parser.feed(ByteBuffer(string: "\r\n--b--")) }
        #expect(throws: MultipartError.malformedDelimiter) { try parser.finish() }
    }

    @Test func errorsDescribeThemselves() {
        #expect(MultipartError.truncated.description == "multipart body ended before the close delimiter")
        #expect(MultipartError.headerTooLarge(limit: 16384).description.contains("16384"))
        #expect(MultipartError.invalidBoundary("x y ").description.contains("1-70"))
    }
}
