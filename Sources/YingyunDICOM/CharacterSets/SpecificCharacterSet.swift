public import NIOCore

/// The character repertoires declared by Specific Character Set (0008,0005), PS3.5 §6.1 and
/// PS3.3 C.12.1.1.2, and how to turn value bytes into text.
/// STUB: only ASCII/Latin-1; replaced by the full implementation.
public struct SpecificCharacterSet: Sendable, Hashable {
    /// The defined terms as found in (0008,0005), e.g. ["", "ISO 2022 IR 87"].
    public var terms: [String]

    /// The default repertoire (ISO-IR 6).
    public static let `default` = SpecificCharacterSet(terms: [])

    public init(terms: [String]) { self.terms = terms }

    /// Decodes the whole value of a text element (all values, backslashes kept) to a Swift string.
    /// Never fails: bytes that fit no repertoire go through `options.fallback`.
    public func decode(_ bytes: ByteBuffer, vr: VR, options: CharacterSetOptions = .default) -> String {
        String(decoding: bytes.readableBytesView, as: UTF8.self)
    }
}

/// How text whose bytes do not fit the declared repertoire is decoded.
public struct CharacterSetOptions: Sendable, Hashable {
    public static let `default` = CharacterSetOptions()
    public init() {}
}
