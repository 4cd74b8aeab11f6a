/// A parsed Accept header: media ranges in order of preference, and the choice among what a
/// server can produce (PS3.18 §8.7 content negotiation).
public struct AcceptHeader: Sendable, Hashable {
    /// Highest quality first; equal qualities by specificity, then in the order written.
    /// Ranges with q=0 are kept: they veto matching offers that a wildcard would admit.
    public var ranges: [MediaRange]

    public init(ranges: [MediaRange]) {
        self.ranges = AcceptHeader.sorted(ranges)
    }

    /// Parses a comma-separated list of media ranges. Empty elements are skipped (RFC 9110 §5.6.1).
    /// Several Accept header lines can be joined with "," before parsing.
    public init(parsing value: String) throws(MultipartError) {
        var scanner = HeaderValueScanner(value)
        var ranges: [MediaRange] = []
        do throws(HeaderValueScanner.Failure) {
            while true {
                scanner.skipWhitespace()
                if scanner.take(.comma) { continue }
                if scanner.atEnd { break }
                var mediaType = try scanner.mediaType(stopAtComma: true)
                var quality = 1.0
                if let index = mediaType.parameters.firstIndex(where: { $0.name == "q" }) {
                    quality = try AcceptHeader.quality(mediaType.parameters[index].value)
                    // Parameters after q are accept-extensions, not media-type parameters.
                    mediaType.parameters.removeSubrange(index...)
                }
                if mediaType.type == "*", mediaType.subtype != "*" {
                    throw HeaderValueScanner.Failure(reason: "\"*/\(mediaType.subtype)\" is not a media range")
                }
                ranges.append(MediaRange(mediaType, quality: quality))
            }
        } catch {
            throw .invalidAcceptHeader(value: value, reason: error.reason)
        }
        self.init(ranges: ranges)
    }

    /// The most specific range that matches `offer`, whose quality applies to it; nil if none
    /// matches. An empty header accepts everything (as if it were `*/*`).
    public func range(for offer: MediaType) -> MediaRange? {
        if ranges.isEmpty { return .anything }
        var best: MediaRange?
        for range in ranges where range.matches(offer) {
            if let current = best, current.specificity >= range.specificity { continue }
            best = range
        }
        return best
    }

    /// The quality the client gives `offer`: 0 when it is not acceptable.
    public func quality(of offer: MediaType) -> Double {
        range(for: offer)?.quality ?? 0
    }

    /// A chosen representation.
    public struct Selection: Sendable, Hashable {
        /// The offer chosen, exactly as the server passed it.
        public var offer: MediaType
        /// Its position in the offers.
        public var index: Int
        /// The client's range that admitted it (read e.g. `transfer-syntax` from here).
        public var range: MediaRange
        public var quality: Double { range.quality }
    }

    /// The offer with the highest quality above 0; ties go to the earlier offer, so the
    /// server lists its own preference first. Nil means 406 Not Acceptable.
    public func preferred(among offers: [MediaType]) -> Selection? {
        var best: Selection?
        for (index, offer) in offers.enumerated() {
            guard let range = range(for: offer), range.quality > 0 else { continue }
            if let current = best, current.quality >= range.quality { continue }
            best = Selection(offer: offer, index: index, range: range)
        }
        return best
    }

    static func sorted(_ ranges: [MediaRange]) -> [MediaRange] {
        ranges.enumerated().sorted { lhs, rhs in
            if lhs.element.quality != rhs.element.quality { return lhs.element.quality > rhs.element.quality }
            if lhs.element.specificity != rhs.element.specificity {
                return lhs.element.specificity > rhs.element.specificity
            }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// RFC 9110 `qvalue`: 0 to 1 with at most three decimals.
    static func quality(_ text: String) throws(HeaderValueScanner.Failure) -> Double {
        let bytes = Array(text.utf8)
        let digitsAfterPoint = bytes.count > 2 ? bytes.count - 2 : 0
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1"),
              bytes.count == 1 || (bytes[1] == UInt8(ascii: ".") && digitsAfterPoint <= 3
                  && bytes.dropFirst(2).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Double(text), value <= 1
        else { throw HeaderValueScanner.Failure(reason: "q-value \"\(text)\" is not a number from 0 to 1 with at most three decimals") }
        return value
    }
}
