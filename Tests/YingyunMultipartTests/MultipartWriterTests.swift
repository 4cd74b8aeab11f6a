import NIOCore
import Testing
import YingyunMultipart

@Suite struct MultipartWriterTests {
    @Test func randomBoundariesAreValidTokensAndDistinct() throws {
        var seen = Set<String>()
        for _ in 0..<100 {
            let boundary = MultipartWriter.boundary()
            try MultipartBoundary.validate(boundary)
            #expect(boundary.utf8.allSatisfy { $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) })
            #expect(boundary.count <= 70)
            seen.insert(boundary)
        }
        #expect(seen.count == 100)
    }

    @Test func framesFirstAndLaterPartsAndTheClosing() {
        let headers = [(name: "Content-Type", value: "application/dicom"), (name: "Content-Length", value: "4")]
        let first = MultipartWriter.partHead(boundary: "b1", headers: headers, first: true)
        #expect(String(buffer: first) == "--b1\r\nContent-Type: application/dicom\r\nContent-Length: 4\r\n\r\n")
        let later = MultipartWriter.partHead(boundary: "b1", headers: [], first: false)
        #expect(String(buffer: later) == "\r\n--b1\r\n\r\n")
        #expect(String(buffer: MultipartWriter.closing(boundary: "b1")) == "\r\n--b1--\r\n")
        #expect(String(buffer: MultipartWriter.closing(boundary: "b1", afterParts: false)) == "--b1--\r\n")
    }

    @Test func headerValuesCannotBreakTheFraming() {
        let head = MultipartWriter.partHead(boundary: "b", headers: [("Content-Location", "x\r\n\r\nevil")], first: true)
        #expect(String(buffer: head) == "--b\r\nContent-Location: x    evil\r\n\r\n")
    }

    @Test func contentTypeOfTheWholeBody() throws {
        #expect(MultipartWriter.contentType(boundary: "abc") == #"multipart/related; type="application/dicom"; boundary=abc"#)
        let json = MultipartWriter.contentType(
            boundary: "a b", type: .applicationOctetStream, parameters: [.init(name: "transfer-syntax", value: "1.2.840.10008.1.2.1")])
        #expect(json == #"multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1; boundary="a b""#)
        #expect(try MediaType(parsing: json).boundary == "a b")
    }

    @Test func statefulWriterTracksTheFirstPart() throws {
        var writer = try MultipartWriter(boundary: "w")
        #expect(String(buffer: writer.closing()) == "--w--\r\n")
        #expect(String(buffer: writer.partHead(headers: [])) == "--w\r\n\r\n")
        #expect(String(buffer: writer.partHead(headers: [])) == "\r\n--w\r\n\r\n")
        #expect(String(buffer: writer.closing()) == "\r\n--w--\r\n")
        #expect(writer.partCount == 2)
        #expect(try MediaType(parsing: writer.contentType()).boundary == "w")
        #expect(throws: MultipartError.invalidBoundary("")) { try MultipartWriter(boundary: "") }
        #expect(try MultipartWriter().boundary.hasPrefix("yingyun-"))
    }
}
