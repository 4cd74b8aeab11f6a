import Testing
import YingyunMultipart

@Suite struct AcceptHeaderTests {
    let multipartDICOM = MediaType.multipartRelated(type: .applicationDICOM)
    let multipartOctets = MediaType.multipartRelated(type: .applicationOctetStream)

    @Test func parsesRangesWithParametersAndQuality() throws {
        let accept = try AcceptHeader(parsing:
            #"*/*;q=0.5, multipart/related; type="application/dicom"; transfer-syntax=*, application/dicom+json"#)
        #expect(accept.ranges.count == 3)
        // Sorted: q=1 before q=0.5; among q=1 the more specific (two parameters) first.
        #expect(accept.ranges[0].mediaType.essence == "multipart/related")
        #expect(accept.ranges[0].mediaType.parameter("transfer-syntax") == "*")
        #expect(accept.ranges[0].quality == 1)
        #expect(accept.ranges[1].mediaType == .applicationDICOMJSON)
        #expect(accept.ranges[2].mediaType.essence == "*/*")
        #expect(accept.ranges[2].quality == 0.5)
    }

    @Test func dropsAcceptExtensionsAfterQuality() throws {
        let accept = try AcceptHeader(parsing: "text/html;level=1;q=0.7;ext=foo")
        #expect(accept.ranges[0].mediaType.parameters.map(\.name) == ["level"])
        #expect(accept.ranges[0].quality == 0.7)
    }

    @Test func equalQualityKeepsWrittenOrderAtEqualSpecificity() throws {
        let accept = try AcceptHeader(parsing: "image/png, image/jpeg;q=0.9, image/gif, , ")
        #expect(accept.ranges.map(\.mediaType.subtype) == ["png", "gif", "jpeg"])
    }

    @Test func picksHighestQualityOffer() throws {
        let accept = try AcceptHeader(parsing: "application/dicom+json;q=0.8, multipart/related;type=\"application/dicom\"")
        let selection = try #require(accept.preferred(among: [.applicationDICOMJSON, multipartDICOM]))
        #expect(selection.offer == multipartDICOM)
        #expect(selection.index == 1)
        #expect(selection.quality == 1)
    }

    @Test func tiesGoToTheServersFirstOffer() throws {
        let accept = try AcceptHeader(parsing: "application/dicom+json, multipart/related; type=application/dicom")
        #expect(accept.preferred(among: [multipartDICOM, .applicationDICOMJSON])?.index == 0)
        #expect(accept.preferred(among: [.applicationDICOMJSON, multipartDICOM])?.index == 0)
    }

    @Test func wildcardsMatch() throws {
        let typeWildcard = try AcceptHeader(parsing: "application/*")
        #expect(typeWildcard.preferred(among: [multipartDICOM, .applicationDICOMJSON])?.offer == .applicationDICOMJSON)
        let anything = try AcceptHeader(parsing: "*/*")
        #expect(anything.preferred(among: [multipartDICOM])?.offer == multipartDICOM)
        #expect(try AcceptHeader(parsing: "image/*").preferred(among: [.applicationDICOMJSON]) == nil)
    }

    @Test func mostSpecificRangeDecidesQuality() throws {
        let accept = try AcceptHeader(parsing: "*/*, application/dicom+json;q=0, application/*;q=0.3")
        #expect(accept.quality(of: .applicationDICOMJSON) == 0)
        #expect(accept.quality(of: .applicationDICOM) == 0.3)
        #expect(accept.quality(of: multipartDICOM) == 1)
        #expect(accept.preferred(among: [.applicationDICOMJSON, .applicationDICOM])?.offer == .applicationDICOM)
        #expect(accept.preferred(among: [.applicationDICOMJSON]) == nil)
    }

    @Test func parametersMustMatchUnlessWildcard() throws {
        let accept = try AcceptHeader(parsing: #"multipart/related; type="application/dicom"; transfer-syntax=*"#)
        #expect(accept.preferred(among: [multipartOctets]) == nil)
        #expect(accept.preferred(among: [multipartOctets, multipartDICOM])?.index == 1)
        let explicitSyntax = MediaType.multipartRelated(
            type: .applicationDICOM, parameters: [.init(name: "transfer-syntax", value: "1.2.840.10008.1.2.1")])
        #expect(accept.preferred(among: [explicitSyntax])?.offer == explicitSyntax)

        let specific = try AcceptHeader(parsing: "multipart/related; type=APPLICATION/DICOM; transfer-syntax=1.2.840.10008.1.2.4.50")
        #expect(specific.preferred(among: [explicitSyntax, multipartDICOM]) == nil)
        let jpeg = MediaType.multipartRelated(
            type: .applicationDICOM, parameters: [.init(name: "transfer-syntax", value: "1.2.840.10008.1.2.4.50")])
        let selection = try #require(specific.preferred(among: [explicitSyntax, jpeg]))
        #expect(selection.index == 1)
        #expect(selection.range.mediaType.parameter("transfer-syntax") == "1.2.840.10008.1.2.4.50")
    }

    @Test func emptyHeaderAcceptsAnything() throws {
        let accept = try AcceptHeader(parsing: "")
        #expect(accept.ranges.isEmpty)
        #expect(accept.preferred(among: [.applicationDICOMJSON, multipartDICOM])?.index == 0)
        #expect(accept.preferred(among: []) == nil)
    }

    @Test(arguments: [
        "text/html;q=2", "text/html;q=0.1234", "text/html;q=abc", "text/html;q=-1", "text/html;q=.5",
        "*/html", "text", "text/html;q", "text/html junk",
    ])
    func rejectsMalformed(_ value: String) {
        #expect {
            _ = try AcceptHeader(parsing: value)
        } throws: { error in
            guard case .invalidAcceptHeader(let text, _) = error as? MultipartError else { return false }
            return text == value
        }
    }

    @Test func acceptsValidQualities() throws {
        let accept = try AcceptHeader(parsing: "a/b;q=1.000, c/d;q=0, e/f;q=0.001, g/h;q=1")
        #expect(accept.ranges.map(\.quality) == [1, 1, 0.001, 0])
    }
}
