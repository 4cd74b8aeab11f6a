import Foundation

/// Who may connect: the known application entities, loaded from a JSON file.
///
/// ```json
/// { "strict": true,
///   "entities": [ { "aeTitle": "CT01", "addresses": ["10.1.2.3"], "institution": "First Hospital",
///                   "defaultIssuerOfPatientID": "HOSP1", "permissions": ["store", "query"],
///                   "moveDestination": { "host": "10.1.2.3", "port": 104 } } ] }
/// ```
/// Strict: an unknown calling AE is rejected. Not strict: it is let in with `defaultPermissions`.
public struct ApplicationEntityDirectory: Sendable, Hashable, Codable {
    public var strict: Bool
    public var entities: [ApplicationEntity]
    /// What an unknown calling AE may do when the directory is not strict.
    public var defaultPermissions: Set<ApplicationEntity.Permission>

    public init(strict: Bool = false, entities: [ApplicationEntity] = [], defaultPermissions: Set<ApplicationEntity.Permission> = [.store]) {
        self.strict = strict
        self.entities = entities
        self.defaultPermissions = defaultPermissions
    }

    enum CodingKeys: String, CodingKey { case strict, entities, defaultPermissions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        strict = try c.decodeIfPresent(Bool.self, forKey: .strict) ?? true
        entities = try c.decodeIfPresent([ApplicationEntity].self, forKey: .entities) ?? []
        defaultPermissions = try c.decodeIfPresent(Set<ApplicationEntity.Permission>.self, forKey: .defaultPermissions) ?? [.store]
        var seen = Set<String>()
        for e in entities where !seen.insert(trimAE(e.aeTitle)).inserted {
            throw DecodingError.dataCorruptedError(forKey: .entities, in: c, debugDescription: "AE title \(e.aeTitle) listed twice")
        }
    }

    /// Reads a directory from a JSON file.
    /// - Throws: file and `DecodingError`s.
    public static func load(path: String) throws -> ApplicationEntityDirectory {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(ApplicationEntityDirectory.self, from: data)
    }

    /// The entity configured under `aeTitle` (padding ignored).
    public func entity(_ aeTitle: String) -> ApplicationEntity? {
        let t = trimAE(aeTitle)
        return entities.first { trimAE($0.aeTitle) == t }
    }

    /// The decision for a calling AE from an address.
    public enum Admission: Sendable, Hashable {
        /// A configured entity.
        case known(ApplicationEntity)
        /// Not configured; let in with the default permissions (not strict).
        case unknown(permissions: Set<ApplicationEntity.Permission>)
        case refused(String)
    }

    public func admit(callingAETitle: String, address: String?) -> Admission {
        if let e = entity(callingAETitle) {
            if e.addresses.isEmpty { return .known(e) }
            if let address, e.addresses.contains(address) { return .known(e) }
            return .refused("calling AE \(trimAE(callingAETitle)) not allowed from \(address ?? "an unknown address")")
        }
        if strict { return .refused("calling AE \(trimAE(callingAETitle)) is not configured") }
        return .unknown(permissions: defaultPermissions)
    }
}
