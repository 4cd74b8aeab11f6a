import Hummingbird
import NIOCore
import YingyunArchive
import YingyunDICOM

/// The Store Instances Response Module (PS3.18 §10.5.3, Table 10.5.3-1) as DICOM JSON:
/// 200 when every instance was stored, 202 when some were, 409 when none were.
struct STOWResponse {
    var outcomes: [Result<IngestedInstance, IngestFailure>]
    var baseURL: String
    var study: String?

    func response() -> Response {
        var referenced: [DataSet] = []
        var failed: [DataSet] = []
        var studies = Set<String>()
        for outcome in outcomes {
            switch outcome {
            case .success(let i):
                studies.insert(i.studyInstanceUID)
                referenced.append(DataSet([
                    DataElement(tag: .referencedSOPClassUID, vr: .UI, strings: [i.sopClassUID]),
                    DataElement(tag: .referencedSOPInstanceUID, vr: .UI, strings: [i.sopInstanceUID]),
                    DataElement(tag: .retrieveURL, vr: .UR, strings: [
                        "\(baseURL)/studies/\(i.studyInstanceUID)/series/\(i.seriesInstanceUID)/instances/\(i.sopInstanceUID)",
                    ]),
                ]))
            case .failure(let f):
                var items = [DataElement(tag: .failureReason, uint16: f.reason.rawValue)]
                if let c = f.sopClassUID { items.append(DataElement(tag: .referencedSOPClassUID, vr: .UI, strings: [c])) }
                if let u = f.sopInstanceUID { items.append(DataElement(tag: .referencedSOPInstanceUID, vr: .UI, strings: [u])) }
                // Why, in words (Text Value would need a code sequence; a comment is enough).
                items.append(DataElement(tag: Tag(rawValue: 0x0040_A160), vr: .UT, strings: [f.message]))
                failed.append(DataSet(items))
            }
        }
        var elements: [DataElement] = []
        let studyURL = study ?? (studies.count == 1 ? studies.first : nil)
        if let s = studyURL, !referenced.isEmpty {
            elements.append(DataElement(tag: .retrieveURL, vr: .UR, strings: ["\(baseURL)/studies/\(s)"]))
        }
        if !failed.isEmpty { elements.append(DataElement(tag: .failedSOPSequence, items: failed)) }
        if !referenced.isEmpty { elements.append(DataElement(tag: .referencedSOPSequence, items: referenced)) }
        let status: HTTPResponse.Status = failed.isEmpty ? .ok : (referenced.isEmpty ? .conflict : .accepted)
        let json = (try? DICOMJSONEncoder().encodeToBuffer(DataSet(elements), source: nil)) ?? ByteBuffer(string: "{}")
        return Response(status: status, headers: [.contentType: "application/dicom+json"], body: .init(byteBuffer: json))
    }
}
