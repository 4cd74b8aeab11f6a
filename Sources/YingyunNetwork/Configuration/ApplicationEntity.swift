/// A known application entity (a modality, PACS or workstation) and what it may do.
public struct ApplicationEntity: Sendable, Hashable, Codable {
    /// What an AE may ask of us.
    public enum Permission: String, Sendable, Hashable, Codable, CaseIterable {
        case store, query, retrieve
    }

    /// A destination for C-MOVE (our C-STORE SCU connects there).
    public struct MoveDestination: Sendable, Hashable, Codable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public var aeTitle: String
    /// Peer IP addresses allowed to use this AE title; empty = any.
    public var addresses: [String]
    public var institution: String?
    /// Issuer of Patient ID to assume for instances from this AE that carry none.
    public var defaultIssuerOfPatientID: String?
    public var permissions: Set<Permission>
    public var moveDestination: MoveDestination?

    public init(
        aeTitle: String, addresses: [String] = [], institution: String? = nil, defaultIssuerOfPatientID: String? = nil,
        permissions: Set<Permission> = [.store], moveDestination: MoveDestination? = nil
    ) {
        self.aeTitle = aeTitle
        self.addresses = addresses
        self.institution = institution
        self.defaultIssuerOfPatientID = defaultIssuerOfPatientID
        self.permissions = permissions
        self.moveDestination = moveDestination
    }

    enum CodingKeys: String, CodingKey {
        case aeTitle, addresses, institution, defaultIssuerOfPatientID, permissions, moveDestination
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        aeTitle = try c.decode(String.self, forKey: .aeTitle)
        addresses = try c.decodeIfPresent([String].self, forKey: .addresses) ?? []
        institution = try c.decodeIfPresent(String.self, forKey: .institution)
        defaultIssuerOfPatientID = try c.decodeIfPresent(String.self, forKey: .defaultIssuerOfPatientID)
        permissions = try c.decodeIfPresent(Set<Permission>.self, forKey: .permissions) ?? [.store]
        moveDestination = try c.decodeIfPresent(MoveDestination.self, forKey: .moveDestination)
        guard AETitle.isValid(aeTitle) else {
            throw DecodingError.dataCorruptedError(forKey: .aeTitle, in: c, debugDescription: "invalid AE title \(aeTitle)")
        }
    }
}

/// AE title rules (PS3.5 Table 6.2-1, AE): 1–16 characters of the default repertoire without
/// backslash or control characters; leading/trailing spaces are not significant.
public enum AETitle {
    public static func isValid(_ title: String) -> Bool {
        let t = trimAE(title)
        guard !t.isEmpty, title.utf8.count <= 16 else { return false }
        return title.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C }
    }
}
