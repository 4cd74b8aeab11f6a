/// One entry of the PS3.6 data dictionary (or a private dictionary).
public struct DictionaryEntry: Sendable, Hashable {
    public var tag: Tag
    /// The allowed VRs; more than one for ambiguous entries such as "US or SS" or "OB or OW".
    public var vrs: [VR]
    /// Value multiplicity as PS3.6 writes it: "1", "1-n", "2-2n", ...
    public var vm: String
    public var keyword: String
    public var name: String
    public var isRetired: Bool

    public init(tag: Tag, vrs: [VR], vm: String, keyword: String, name: String, isRetired: Bool) {
        self.tag = tag
        self.vrs = vrs
        self.vm = vm
        self.keyword = keyword
        self.name = name
        self.isRetired = isRetired
    }

    /// The VR to use when only one can be chosen (the first listed).
    public var vr: VR { vrs.first ?? .UN }
}

/// Look-ups in the standard data dictionary (PS3.6) and the known private dictionaries.
/// STUB: replaced by the generated dictionary.
public enum DataDictionary {
    /// The standard entry for `tag`, including repeating groups (50xx, 60xx, 7Fxx) and
    /// group length elements.
    public static func entry(for tag: Tag) -> DictionaryEntry? {
        nil
    }

    /// The entry for a private `tag` whose block is reserved by `privateCreator` (PS3.5 §7.8.1).
    public static func entry(for tag: Tag, privateCreator: String) -> DictionaryEntry? {
        nil
    }

    /// The tag of a standard keyword ("PatientName" → (0010,0010)).
    public static func tag(forKeyword keyword: String) -> Tag? {
        nil
    }
}
