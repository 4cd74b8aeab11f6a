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

    func identityPolicy() throws -> IdentityPolicy {
        var defaults: [String: String] = [:]
        for pair in defaultIssuer {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex, pair.index(after: eq) != pair.endIndex else {
                throw ValidationError("--default-issuer takes SOURCE=ISSUER, got \(pair)")
            }
            defaults[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        return IdentityPolicy(trustedIssuers: Set(trustedIssuer), defaultIssuerBySource: defaults)
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
