import Testing
import YingyunMultipart

@Suite struct MediaTypeTests {
    @Test func parsesQuotedTypeAndBareBoundary() throws {
        let media = try MediaType(parsing: #"multipart/related; type="application/dicom"; boundary=abc"#)
        #expect(media.type == "multipart")
        #expect(media.subtype == "related")
        #expect(media.isMultipart)
        #expect(media.parameter("type") == "application/dicom")
        #expect(media.boundary == "abc")
        #expect(media.parameters.map(\.name) == ["type", "boundary"])
    }

    @Test func parsesBareTypeAndQuotedBoundaryWithSpace() throws {
        let media = try MediaType(parsing: #"multipart/related; type=application/dicom+json; boundary="a b""#)
        #expect(media.parameter("TYPE") == "application/dicom+json")
        #expect(media.boundary == "a b")
    }

    @Test func lowerCasesTypeAndNamesButNotValues() throws {
        let media = try MediaType(parsing: "  Multipart/Related ;BOUNDARY = AbC ;Type=\"Application/DICOM\"  ")
        #expect(media.essence == "multipart/related")
        #expect(media.boundary == "AbC")
        #expect(media.parameter("type") == "Application/DICOM")
    }

    @Test func unescapesQuotedPairs() throws {
        let media = try MediaType(parsing: #"text/plain; title="say \"hi\" \\ bye"; x="""#)
        #expect(media.parameter("title") == #"say "hi" \ bye"#)
        #expect(media.parameter("x") == "")
    }

    @Test func toleratesEmptyParametersAndUnquotedBoundaryPunctuation() throws {
        let media = try MediaType(parsing: "multipart/related;; boundary=----=_Part_0_1.2?x;")
        #expect(media.boundary == "----=_Part_0_1.2?x")
        #expect(media.parameters.count == 1)
    }

    @Test func keepsFirstOfDuplicateParameters() throws {
        let media = try MediaType(parsing: "multipart/related; boundary=one; boundary=two")
        #expect(media.boundary == "one")
    }

    @Test(arguments: [
        "", "multipart", "multipart/", "/related", "multipart/related boundary=x",
        "multipart/related; boundary", "multipart/related; boundary=", "multipart/related; =x",
        #"multipart/related; boundary="abc"#, #"multipart/related; boundary="a\"#,
        "multipart/related; boundary=\"a\r\nb\"", "text/plain, text/html", "mult ipart/related",
    ])
    func rejectsMalformed(_ value: String) {
        #expect {
            _ = try MediaType(parsing: value)
        } throws: { error in
            guard case .invalidMediaType(let text, let reason) = error as? MultipartError else { return false }
            return text == value && !reason.isEmpty
        }
    }

    @Test func errorMessageNamesValueAndReason() {
        do {
            _ = try MediaType(parsing: "multipart/related; boundary=\"open")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == #"invalid media type "multipart/related; boundary="open": unterminated quoted-string"#)
        }
    }

    @Test func serialisesWithQuotingOnlyWhereNeeded() throws {
        let media = MediaType.multipartRelated(
            type: .applicationDICOM,
            parameters: [.init(name: "transfer-syntax", value: "1.2.840.10008.1.2.1"), .init(name: "boundary", value: #"a "b"\c"#)])
        #expect(media.description == #"multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1; boundary="a \"b\"\\c""#)
        #expect(try MediaType(parsing: media.description) == media)
    }
}
