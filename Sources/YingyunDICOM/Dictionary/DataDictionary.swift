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

/// Look-ups in the standard data dictionary (PS3.6 §6) and the known private dictionaries.
///
/// The tables are generated from PS3.6 by tools/gen-dictionary/generate.py and parsed into hash
/// maps on first use. Entries returned for repeating groups, group lengths and private blocks
/// carry the tag that was asked for, not the table's template tag.
public enum DataDictionary {
    /// The standard entry for `tag`: PS3.6 Table 6-1, then the repeating groups (50xx curves,
    /// 60xx overlays, 7Fxx variable pixel data, ...), then group length elements (gggg,0000)
    /// (PS3.5 §7.2: UL "GroupLength"), then private creator elements (gggg,0010-00FF)
    /// (PS3.5 §7.8.1: LO "PrivateCreator"). Items and delimiters (FFFE,E000/E00D/E0DD) have no
    /// VR and no entry.
    public static func entry(for tag: Tag) -> DictionaryEntry? {
        let standard = StandardDictionary.shared
        if let i = standard.index.index(of: tag) {
            var entry = standard.entries[i]
            entry.tag = tag
            return entry
        }
        if tag.isGroupLength {
            var entry = StandardDictionary.groupLength
            entry.tag = tag
            return entry
        }
        if tag.isPrivateCreator {
            var entry = StandardDictionary.privateCreator
            entry.tag = tag
            return entry
        }
        return nil
    }

    /// The entry for a private `tag` whose block is reserved by `privateCreator` (PS3.5 §7.8.1).
    ///
    /// Private dictionaries are written for any block: in (0029,1010) the block byte 0x10 is
    /// ignored, so (0029,1110) under the same creator finds the same entry. Trailing spaces (and
    /// NULs) of the creator value are padding and ignored. Group length and private creator
    /// elements fall back to `entry(for:)`.
    public static func entry(for tag: Tag, privateCreator: String) -> DictionaryEntry? {
        let privates = PrivateDictionaries.shared
        if let index = privates.byCreator[trimmedCreator(privateCreator)],
            let i = index.index(of: tag)
        {
            var entry = privates.entries[i]
            entry.tag = tag
            return entry
        }
        if tag.element <= 0x00FF { return entry(for: tag) }
        return nil
    }

    /// The tag of a standard keyword ("PatientName" → (0010,0010)). For repeating-group
    /// keywords the first tag of the range is returned ("OverlayData" → (6000,3000)).
    public static func tag(forKeyword keyword: String) -> Tag? {
        StandardDictionary.shared.byKeyword[keyword]
    }

    /// The VR to use for `tag` when only one can be chosen (`entry(for:)?.vr`), without copying
    /// the entry: the implicit VR parser's hot path.
    static func vr(for tag: Tag) -> VR? {
        let standard = StandardDictionary.shared
        if let i = standard.index.index(of: tag) { return standard.primaryVRs[i] }
        if tag.isGroupLength { return .UL }
        if tag.isPrivateCreator { return .LO }
        return nil
    }

    /// Number of rows in the standard table (including repeating-group rows); for tests.
    static var standardEntryCount: Int { StandardDictionary.shared.entries.count }

    private static func trimmedCreator(_ creator: String) -> String {
        guard let last = creator.utf8.last, last == 0x20 || last == 0 else { return creator }
        var utf8 = Substring(creator).utf8
        while let l = utf8.last, l == 0x20 || l == 0 { utf8 = utf8.dropLast() }
        return String(Substring(utf8))
    }
}

/// PS3.6 Table 6-1 plus repeating groups, parsed from `StandardDictionaryTable.rows`.
final class StandardDictionary: Sendable {
    let entries: [DictionaryEntry]
    /// `entries[i].vr`, kept apart so `DataDictionary.vr(for:)` touches no reference counts.
    let primaryVRs: [VR]
    let index: TagIndex
    let byKeyword: [String: Tag]

    static let shared = StandardDictionary()

    /// (gggg,0000), PS3.5 §7.2. Kept as a value so look-ups copy it rather than allocate.
    static let groupLength = DictionaryEntry(
        tag: Tag(rawValue: 0), vrs: [.UL], vm: "1", keyword: "GroupLength", name: "Group Length",
        isRetired: false)

    /// (gggg,0010-00FF) in a private group, PS3.5 §7.8.1.
    static let privateCreator = DictionaryEntry(
        tag: Tag(rawValue: 0x0009_0010), vrs: [.LO], vm: "1", keyword: "PrivateCreator",
        name: "Private Creator", isRetired: false)

    private init() {
        var entries: [DictionaryEntry] = []
        entries.reserveCapacity(5_200)
        var builder = TagIndexBuilder()
        var byKeyword: [String: Tag] = [:]
        byKeyword.reserveCapacity(5_200)
        var vrCache = VRListCache()
        GeneratedTable.forEachRow(of: StandardDictionaryTable.rows) { bytes, f in
            // KEY VRS VM RETIRED KEYWORD NAME
            guard f.count == 6, let key = GeneratedTable.maskedKey(bytes, f[0]) else { return }
            let keyword = GeneratedTable.string(bytes, f[4])
            let tag = Tag(rawValue: key.value)
            builder.insert(key, index: entries.count)
            entries.append(
                DictionaryEntry(
                    tag: tag, vrs: vrCache.vrs(bytes, f[1]), vm: GeneratedTable.string(bytes, f[2]),
                    keyword: keyword, name: GeneratedTable.string(bytes, f[5]), isRetired: !f[3].isEmpty))
            if !keyword.isEmpty, byKeyword[keyword] == nil { byKeyword[keyword] = tag }
        }
        self.entries = entries
        self.primaryVRs = entries.map(\.vr)
        self.index = builder.build()
        self.byKeyword = byKeyword
    }
}

/// The known private dictionaries, parsed from `PrivateDictionaryTable.rows`.
final class PrivateDictionaries: Sendable {
    let entries: [DictionaryEntry]
    let byCreator: [String: TagIndex]

    static let shared = PrivateDictionaries()

    private init() {
        var entries: [DictionaryEntry] = []
        entries.reserveCapacity(11_000)
        var byCreator: [String: TagIndex] = [:]
        var vrCache = VRListCache()
        var creator: String?
        var builder = TagIndexBuilder()
        func finishCreator() {
            if let creator { byCreator[creator] = builder.build() }
            builder = TagIndexBuilder()
        }
        GeneratedTable.forEachRow(of: PrivateDictionaryTable.rows) { bytes, f in
            if bytes[f[0].lowerBound] == UInt8(ascii: "@") {
                finishCreator()
                creator = GeneratedTable.string(bytes, f[0].dropFirst())
                return
            }
            guard f.count == 6, creator != nil, let key = GeneratedTable.maskedKey(bytes, f[0]) else { return }
            builder.insert(key, index: entries.count)
            entries.append(
                DictionaryEntry(
                    tag: Tag(rawValue: key.value), vrs: vrCache.vrs(bytes, f[1]),
                    vm: GeneratedTable.string(bytes, f[2]), keyword: GeneratedTable.string(bytes, f[4]),
                    name: GeneratedTable.string(bytes, f[5]), isRetired: !f[3].isEmpty))
        }
        finishCreator()
        self.entries = entries
        self.byCreator = byCreator
    }
}
