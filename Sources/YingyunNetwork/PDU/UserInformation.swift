
/// The user information item (PS3.8 §9.3.2.3, PS3.7 Annex D.3.3) and its sub-items.
public struct UserInformation: Sendable, Hashable {
    /// Maximum length of the P-DATA-TF PDUs the sender can receive; 0 = no limit (PS3.8 §D.1).
    public var maximumLength: UInt32?
    public var implementationClassUID: String?
    public var implementationVersionName: String?
    /// Asynchronous operations window: (invoked, performed); 0 = unlimited (PS3.7 §D.3.3.3).
    public var asynchronousOperationsWindow: AsynchronousOperationsWindow?
    public var roleSelections: [RoleSelection]
    /// Sub-items kept as received (SOP class extended/common extended negotiation, user
    /// identity, anything unknown): type and value bytes.
    public var opaqueItems: [OpaqueItem]

    public init(
        maximumLength: UInt32? = nil, implementationClassUID: String? = nil, implementationVersionName: String? = nil,
        asynchronousOperationsWindow: AsynchronousOperationsWindow? = nil, roleSelections: [RoleSelection] = [],
        opaqueItems: [OpaqueItem] = []
    ) {
        self.maximumLength = maximumLength
        self.implementationClassUID = implementationClassUID
        self.implementationVersionName = implementationVersionName
        self.asynchronousOperationsWindow = asynchronousOperationsWindow
        self.roleSelections = roleSelections
        self.opaqueItems = opaqueItems
    }

    public struct AsynchronousOperationsWindow: Sendable, Hashable {
        public var maximumInvoked: UInt16
        public var maximumPerformed: UInt16
        public init(maximumInvoked: UInt16, maximumPerformed: UInt16) {
            self.maximumInvoked = maximumInvoked
            self.maximumPerformed = maximumPerformed
        }
    }

    /// SCP/SCU role selection (PS3.7 §D.3.3.4).
    public struct RoleSelection: Sendable, Hashable {
        public var sopClassUID: String
        public var scuRole: Bool
        public var scpRole: Bool
        public init(sopClassUID: String, scuRole: Bool, scpRole: Bool) {
            self.sopClassUID = sopClassUID
            self.scuRole = scuRole
            self.scpRole = scpRole
        }
    }

    public struct OpaqueItem: Sendable, Hashable {
        public var type: UInt8
        public var value: [UInt8]
        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = value
        }
    }
}

/// Item and sub-item types inside A-ASSOCIATE-RQ/AC (PS3.8 §9.3.2, PS3.7 Annex D.3.3).
enum ItemType {
    static let applicationContext: UInt8 = 0x10
    static let presentationContextRQ: UInt8 = 0x20
    static let presentationContextAC: UInt8 = 0x21
    static let abstractSyntax: UInt8 = 0x30
    static let transferSyntax: UInt8 = 0x40
    static let userInformation: UInt8 = 0x50
    static let maximumLength: UInt8 = 0x51
    static let implementationClassUID: UInt8 = 0x52
    static let asynchronousOperationsWindow: UInt8 = 0x53
    static let roleSelection: UInt8 = 0x54
    static let implementationVersionName: UInt8 = 0x55
}
