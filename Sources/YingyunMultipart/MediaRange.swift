/// One element of an Accept header (RFC 9110 §12.5.1): a media type whose type and/or subtype
/// may be "*", its parameters, and a quality weight.
public struct MediaRange: Sendable, Hashable, CustomStringConvertible {
    /// Type and subtype may be "*"; parameters exclude "q" and any accept-extensions after it.
    public var mediaType: MediaType
    /// 0...1; 0 means "not acceptable".
    public var quality: Double

    public init(_ mediaType: MediaType, quality: Double = 1) {
        self.mediaType = mediaType
        self.quality = quality
    }

    /// `*/*` with q=1: what a request without an Accept header asks for.
    public static let anything = MediaRange(MediaType(type: "*", subtype: "*"))

    /// RFC 9110 precedence: a concrete type beats `type/*`, which beats `*/*`; among equal
    /// types, more parameters beat fewer.
    public var specificity: Int {
        let base = mediaType.type == "*" ? 0 : (mediaType.subtype == "*" ? 1 : 2)
        return base * 1000 + mediaType.parameters.count
    }

    /// Whether `offer` (a concrete media type) falls within this range.
    ///
    /// Every parameter of the range must be present on the offer with the same value (compared
    /// case-insensitively: `type` and DICOM transfer-syntax UIDs are); a range value of "*"
    /// (PS3.18 `transfer-syntax=*`) accepts any value or none. Extra offer parameters are fine.
    public func matches(_ offer: MediaType) -> Bool {
        if mediaType.type != "*" {
            guard mediaType.type == offer.type else { return false }
            if mediaType.subtype != "*", mediaType.subtype != offer.subtype { return false }
        }
        for parameter in mediaType.parameters where parameter.value != "*" {
            guard let offered = offer.parameter(parameter.name),
                  offered.lowercased() == parameter.value.lowercased()
            else { return false }
        }
        return true
    }

    public var description: String {
        quality == 1 ? mediaType.description : "\(mediaType.description); q=\(quality)"
    }
}
