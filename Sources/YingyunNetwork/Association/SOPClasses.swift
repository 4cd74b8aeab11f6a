import YingyunDICOM

/// The SOP classes and transfer syntaxes the acceptor knows, from the PS3.6 UID registry.
public enum SOPClasses {
    /// Verification SOP Class (C-ECHO, PS3.4 Annex A).
    public static let verification = "1.2.840.10008.1.1"

    /// True for every storage SOP class of the registry (PS3.4 Annex B; retired ones too, since
    /// old modalities still send them): SOP classes whose keyword names a Storage, except Storage
    /// Commitment (a different service) and the DICOMDIR (media only, PS3.10).
    public static func isStorage(_ uid: String) -> Bool {
        guard let entry = UIDDictionary.entry(for: uid), entry.type == "SOP Class" else { return false }
        let k = entry.keyword
        return k.contains("Storage") && !k.hasPrefix("StorageCommitment") && k != "MediaStorageDirectoryStorage"
    }

    /// Transfer syntaxes accepted for C-FIND identifiers: we parse and write them ourselves.
    public static let queryTransferSyntaxes: Set<String> = ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]

    /// True for a transfer syntax of the registry (we store data sets as received, in any of them).
    public static func isKnownTransferSyntax(_ uid: String) -> Bool {
        UIDDictionary.entry(for: uid)?.type == "Transfer Syntax"
    }
}
