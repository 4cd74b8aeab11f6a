import Hummingbird
import YingyunArchive
import YingyunMultipart

/// The query parameters and Accept header of a /rendered or /thumbnail request (PS3.18 §8.3.5)
/// turned into render parameters. Parameters that would change nothing we make (annotation: we
/// never burn in patient text, PS3.18 §10.4.3.3.4) are reported in `ignored`.
struct RenderedRequest {
    var parameters: RenderParameters
    var ignored: [String] = []
    /// A /thumbnail request: its images are kept in the derived store; /rendered ones are not.
    let isThumbnail: Bool

    init(_ request: Request, thumbnail: Bool, frame: Int?) throws {
        isThumbnail = thumbnail
        let (format, bits) = try Self.format(request)
        parameters = RenderParameters(format: format, frame: frame)
        parameters.bitDepth = bits
        if !thumbnail { parameters.viewportWidth = 0; parameters.viewportHeight = 0 }  // 0 = full size
        for (name, value) in QueryString(request.uri.query).pairs {
            switch name {
            case "viewport":
                let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                guard parts.count == 2 || parts.count == 6,
                      let w = Int(parts[0]), let h = Int(parts[1]), (1...4096).contains(w), (1...4096).contains(h)
                else { throw DICOMwebError.badRequest("viewport must be width,height (1–4096 pixels)") }
                if parts.count == 6 { throw DICOMwebError.badRequest("viewport source regions (sx,sy,sw,sh) are not supported") }
                parameters.viewportWidth = w
                parameters.viewportHeight = h
            case "window" where !thumbnail:
                let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                guard parts.count == 2 || parts.count == 3, let c = Double(parts[0]), let w = Double(parts[1]), w >= 1 else {
                    throw DICOMwebError.badRequest("window must be center,width[,linear|linear-exact|sigmoid] with width ≥ 1")
                }
                var function = RenderParameters.WindowFunction.linear
                if parts.count == 3 {
                    switch parts[2].lowercased() {
                    case "linear": function = .linear
                    case "linear-exact", "linear_exact": function = .linearExact
                    case "sigmoid": function = .sigmoid
                    default: throw DICOMwebError.badRequest("unknown window function \(parts[2])")
                    }
                }
                parameters.window = .init(center: c, width: w, function: function)
            case "quality" where !thumbnail:
                guard let q = Int(value), (1...100).contains(q) else { throw DICOMwebError.badRequest("quality must be 1–100") }
                parameters.quality = q
            case "annotation", "charset", "iccprofile":
                ignored.append(name)
            default:
                ignored.append(name)
            }
        }
    }

    /// image/jpeg unless the client prefers image/png; 406 when it accepts neither. A PNG is
    /// 16-bit grey when the accepted range says `bits=16` (no standard parameter asks for it).
    static func format(_ request: Request) throws -> (RenderParameters.Format, bits: Int) {
        let raw = request.headers[values: .accept].joined(separator: ",")
        guard !raw.isEmpty, let accept = try? AcceptHeader(parsing: raw) else { return (.jpeg, 8) }
        let offers = [
            MediaType(type: "image", subtype: "jpeg"), MediaType(type: "image", subtype: "png"),
            MediaType(type: "image", subtype: "png", parameters: [.init(name: "bits", value: "16")]),
        ]
        guard let chosen = accept.preferred(among: offers) else {
            throw DICOMwebError.notAcceptable("rendered images are offered as image/jpeg, image/png or image/png; bits=16")
        }
        return [(.jpeg, 8), (.png, 8), (.png, 16)][chosen.index]
    }
}
