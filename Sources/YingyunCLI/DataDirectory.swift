import ArgumentParser
import Foundation
import Logging
import YingyunArchive
import YingyunCatalog
import YingyunStore

/// Options shared by the commands that open a data directory.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (created on first use).")
    var data: String = "./yingyun-data"

    @Option(name: .long, help: "When a SOP Instance UID arrives again with different bytes: reject or replace.")
    var onConflict: String = "reject"

    @Option(name: .long, help: "Issuer of patient IDs trusted to link patients across hospitals (repeatable).")
    var trustedIssuer: [String] = ["NNCHN"]

    @Option(name: .customLong("default-issuer"),
            help: "Issuer of patient IDs for a source that sends none, as SOURCE=ISSUER (repeatable; sources are HTTP:<address>, IMPORT).")
    var defaultIssuer: [String] = []

    @Option(name: .customLong("identifier-type"),
            help: "How a trusted issuer's values are checked, as ISSUER=TYPE (resident-id, health-card, opaque; repeatable; NNCHN=resident-id by default).")
    var identifierType: [String] = []

    @Flag(name: .customLong("no-linking"), help: "Do not link patients on trusted identifiers at ingest (for measurements).")
    var noLinking = false

    func identityPolicy() throws -> IdentityPolicy {
        var defaults: [String: String] = [:]
        for pair in defaultIssuer {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex, pair.index(after: eq) != pair.endIndex else {
                throw ValidationError("--default-issuer takes SOURCE=ISSUER, got \(pair)")
            }
            defaults[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        var types = IdentityPolicy.standardIdentifierTypes
        for pair in identifierType {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let type = TrustedIdentifierType(rawValue: parts[1]) else {
                throw ValidationError("--identifier-type takes ISSUER=resident-id|health-card|opaque, got \(pair)")
            }
            types[parts[0]] = type
        }
        return IdentityPolicy(
            trustedIssuers: Set(trustedIssuer), defaultIssuerBySource: defaults, identifierTypes: types, linking: !noLinking)
    }

    /// Opens (creating if needed) the blob store and catalog under the data directory.
    func openArchive(logger: Logger) throws -> (Archive, FileBlobStore) {
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let store = try FileBlobStore(root: data)
        let catalog = try SQLiteCatalog(path: data + "/catalog.sqlite", policy: try identityPolicy())
        guard let policy = ConflictPolicy(rawValue: onConflict) else {
            throw ValidationError("--on-conflict must be reject or replace")
        }
        return (Archive(store: store, catalog: catalog, conflictPolicy: policy, logger: logger), store)
    }
}
