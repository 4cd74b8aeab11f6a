/// A parsed Content-Type value (RFC 9110 §8.3.1), e.g.
/// `multipart/related; type="application/dicom"; boundary=abc`.
///
/// Type, subtype and parameter names are lower-cased because they compare case-insensitively;
/// parameter values keep their case because some (the boundary) are case-sensitive.
public struct MediaType: Sendable, Hashable, CustomStringConvertible {
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name.lowercased()
            self.value = value
        }
    }

    public var type: String
    public var subtype: String
    /// In the order they were written; duplicates are kept and `parameter(_:)` returns the first.
    public var parameters: [Parameter]

    public init(type: String, subtype: String, parameters: [Parameter] = []) {
        self.type = type.lowercased()
        self.subtype = subtype.lowercased()
        self.parameters = parameters
    }

    /// Parses one media type; surrounding whitespace is ignored, anything else left over is an error.
    public init(parsing value: String) throws(MultipartError) {
        var scanner = HeaderValueScanner(value)
        do throws(HeaderValueScanner.Failure) {
            self = try scanner.mediaType(stopAtComma: false)
        } catch {
            throw .invalidMediaType(value: value, reason: error.reason)
        }
    }

    /// "type/subtype" without parameters.
    public var essence: String { "\(type)/\(subtype)" }

    /// The first parameter with this name (case-insensitive), unquoted.
    public func parameter(_ name: String) -> String? {
        let name = name.lowercased()
        return parameters.first { $0.name == name }?.value
    }

    /// The `boundary` parameter, present on every multipart type.
    public var boundary: String? { parameter("boundary") }

    public var isMultipart: Bool { type == "multipart" }

    /// Serialised form; values that are not tokens are quoted, with `"` and `\` escaped.
    public var description: String {
        var text = essence
        for parameter in parameters {
            text += "; \(parameter.name)=\(MediaType.quotedIfNeeded(parameter.value))"
        }
        return text
    }

    static func quotedIfNeeded(_ value: String) -> String {
        if !value.isEmpty, value.utf8.allSatisfy(HeaderValueScanner.isTokenByte) { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }
}

extension MediaType {
    /// PS3.18 media types a DICOMweb server negotiates.
    public static let applicationDICOM = MediaType(type: "application", subtype: "dicom")
    public static let applicationDICOMJSON = MediaType(type: "application", subtype: "dicom+json")
    public static let applicationDICOMXML = MediaType(type: "application", subtype: "dicom+xml")
    public static let applicationJSON = MediaType(type: "application", subtype: "json")
    public static let applicationOctetStream = MediaType(type: "application", subtype: "octet-stream")

    /// `multipart/related; type="<type>"` with any further parameters (e.g. transfer-syntax).
    public static func multipartRelated(type: MediaType, parameters: [Parameter] = []) -> MediaType {
        MediaType(
            type: "multipart", subtype: "related",
            parameters: [Parameter(name: "type", value: type.essence)] + parameters)
    }
}
