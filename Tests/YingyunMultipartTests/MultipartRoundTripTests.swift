import NIOCore
import Testing
import YingyunMultipart

/// Writer → parser round trips over seeded random messages, fed in every chunk size.
@Suite struct MultipartRoundTripTests {
    struct Case {
        var boundary: String
        var parts: [ParsedMessage.Part]
        var bytes: [UInt8]
    }

    /// Content biased towards CR, LF, "-" and boundary characters, with near-miss delimiter
    /// fragments spliced in, so chunk splits land inside almost-delimiters often.
    static func content(boundary: String, using generator: inout SeededGenerator) -> [UInt8] {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        while true {
            var bytes: [UInt8] = []
            let length = Int.random(in: 0...300, using: &generator)
            while bytes.count < length {
                switch Int.random(in: 0..<10, using: &generator) {
                case 0: bytes.append(.init(ascii: "\r"))
                case 1: bytes.append(.init(ascii: "\n"))
                case 2: bytes.append(.init(ascii: "-"))
                case 3: bytes += delimiter.prefix(Int.random(in: 1..<delimiter.count, using: &generator))
                case 4: bytes += delimiter.dropFirst(Int.random(in: 1...2, using: &generator))
                case 5: bytes.append(boundary.utf8.randomElement(using: &generator)!)
                default: bytes.append(UInt8.random(in: 0...255, using: &generator))
                }
            }
            // The writer's contract: content never contains the delimiter, nor starts with the
            // dash-boundary (a part's content begins at the start of a line).
            let framed = Array("\r\n".utf8) + bytes
            if !framed.indices.contains(where: { framed[$0...].starts(with: delimiter) }) { return bytes }
        }
    }

    static func makeCase(seed: UInt64, maximumParts: Int) -> Case {
        var generator = SeededGenerator(seed: seed)
        let boundaryLength = Int.random(in: 1...70, using: &generator)
        let boundaryCharacters = Array("ABCxyz019'()+_,-./:=? ".utf8)
        var boundaryBytes = (0..<boundaryLength).map { _ in boundaryCharacters.randomElement(using: &generator)! }
        if boundaryBytes.last == .init(ascii: " ") { boundaryBytes[boundaryBytes.count - 1] = .init(ascii: "Z") }
        let boundary = String(decoding: boundaryBytes, as: UTF8.self)

        var writer = try! MultipartWriter(boundary: boundary)
        // A preamble must end in CRLF: that CRLF belongs to the first delimiter.
        var bytes = Array(["", "\r\n", "preamble\r\n", "--\(boundary)x\r\n"].randomElement(using: &generator)!.utf8)
        var parts: [ParsedMessage.Part] = []
        for index in 0..<Int.random(in: 1...maximumParts, using: &generator) {
            let headers = (0..<Int.random(in: 0...3, using: &generator)).map { number in
                (name: "X-Field-\(number)", value: "value \(index)-\(UInt16.random(in: 0...UInt16.max, using: &generator))")
            }
            let body = content(boundary: boundary, using: &generator)
            bytes += writer.partHead(headers: headers).readableBytesView
            bytes += body
            parts.append(.init(headers: headers.map { [$0.name.lowercased(), $0.value] }, body: body))
        }
        bytes += writer.closing().readableBytesView
        bytes += Array("epilogue \r\n--\(boundary)\r\n".utf8).prefix(Int.random(in: 0...20, using: &generator))
        return Case(boundary: boundary, parts: parts, bytes: bytes)
    }

    @Test(arguments: 0..<12)
    func everyChunkSizeReproducesTheParts(seed: Int) throws {
        let testCase = Self.makeCase(seed: UInt64(seed), maximumParts: 4)
        for chunkSize in 1...testCase.bytes.count {
            let message = try ParsedMessage.parse(testCase.bytes, boundary: testCase.boundary, chunkSize: chunkSize)
            #expect(message.ended)
            #expect(message.parts == testCase.parts, "seed \(seed), chunk size \(chunkSize)")
            if message.parts != testCase.parts { return }
        }
    }

    @Test func randomSplitsOfLargerMessages() throws {
        var generator = SeededGenerator(seed: 99)
        for seed in 100..<130 {
            let testCase = Self.makeCase(seed: UInt64(seed), maximumParts: 20)
            for _ in 0..<20 {
                let splits = (0..<Int.random(in: 1...40, using: &generator))
                    .map { _ in Int.random(in: 0...testCase.bytes.count, using: &generator) }.sorted()
                let message = try ParsedMessage.parse(testCase.bytes, boundary: testCase.boundary, splits: splits)
                #expect(message.parts == testCase.parts, "seed \(seed), splits \(splits)")
            }
        }
    }

    @Test func largeBinaryPartsSurviveIntact() throws {
        var generator = SeededGenerator(seed: 7)
        let boundary = MultipartWriter.boundary()
        var writer = try MultipartWriter(boundary: boundary)
        var bytes: [UInt8] = []
        var bodies: [[UInt8]] = []
        for _ in 0..<5 {
            let body = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            bodies.append(body)
            bytes += writer.partHead(headers: [("Content-Type", "application/dicom")]).readableBytesView
            bytes += body
        }
        bytes += writer.closing().readableBytesView
        for chunkSize in [1 << 16, 4093, 1_000_000] {
            let message = try ParsedMessage.parse(bytes, boundary: boundary, chunkSize: chunkSize)
            #expect(message.parts.map(\.body) == bodies)
        }
    }

    /// CR-dense content switches the search to its Horspool stretch; delimiters must still be
    /// found inside and right after such stretches, for short and long boundaries.
    @Test(arguments: ["b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", String(repeating: "x", count: 70)])
    func crDenseContent(boundary: String) throws {
        var generator = SeededGenerator(seed: UInt64(boundary.utf8.count))
        let delimiter = Array("\r\n--\(boundary)".utf8)
        var writer = try MultipartWriter(boundary: boundary)
        var bytes: [UInt8] = []
        var bodies: [[UInt8]] = []
        for part in 0..<12 {
            var body: [UInt8] = []
            let length = [0, 1, 15, 16, 17, 4095, 4096, 4097, 9000, 20_000][part % 10] + Int.random(in: 0...3, using: &generator)
            while body.count < length {
                switch Int.random(in: 0..<20, using: &generator) {
                case 0: body.append(.init(ascii: "\n"))
                case 1: body += delimiter.prefix(Int.random(in: 1..<delimiter.count, using: &generator))
                case 2: body.append(UInt8.random(in: 0...255, using: &generator))
                default: body.append(.init(ascii: "\r"))
                }
            }
            let framed = Array("\r\n".utf8) + body
            if framed.indices.contains(where: { framed[$0...].starts(with: delimiter) }) { continue }
            bodies.append(body)
            bytes += writer.partHead(headers: []).readableBytesView
            bytes += body
        }
        bytes += writer.closing().readableBytesView
        for chunkSize in [1, 2, 7, 64, 4093, 65536, bytes.count] {
            let message = try ParsedMessage.parse(bytes, boundary: boundary, chunkSize: chunkSize)
            #expect(message.parts.map(\.body) == bodies, "chunk size \(chunkSize)")
        }
    }
}
