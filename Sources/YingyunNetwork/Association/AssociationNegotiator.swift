public import YingyunDICOM

/// What was agreed for one accepted presentation context.
public struct AcceptedPresentationContext: Sendable, Hashable {
    public var id: UInt8
    public var abstractSyntax: String
    public var transferSyntax: String
    public init(id: UInt8, abstractSyntax: String, transferSyntax: String) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.transferSyntax = transferSyntax
    }
}

/// An established association as the DIMSE layer sees it.
public struct AssociationContext: Sendable {
    public var callingAETitle: String
    public var calledAETitle: String
    /// The peer's IP address.
    public var peerAddress: String
    /// The configured entity, nil for an unknown AE let in by a non-strict directory.
    public var entity: ApplicationEntity?
    public var contexts: [UInt8: AcceptedPresentationContext]
    /// Largest P-DATA-TF PDU the peer accepts (0 = unlimited).
    public var peerMaximumLength: UInt32
    /// Storage SOP classes for which the peer took the SCP role (role selection accepted): the
    /// classes C-GET may send back on this association (PS3.4 C.4.3.1.2).
    public var peerSCPRoles: Set<String> = []
}

/// The acceptor's decisions on an A-ASSOCIATE-RQ (PS3.8 §9.3.4, PS3.7 Annex D.3.3): who may
/// connect, which presentation contexts are accepted with which transfer syntax.
public struct AssociationNegotiator: Sendable {
    public var aeTitle: String
    public var directory: ApplicationEntityDirectory
    /// Maximum P-DATA-TF length we announce (and enforce when decoding).
    public var maximumPDULength: UInt32
    public var implementationClassUID: String
    public var implementationVersionName: String
    /// Whether C-FIND is served (a query handler is present).
    public var servesQuery: Bool
    /// Whether C-GET/C-MOVE are served (a retrieve handler is present).
    public var servesRetrieve: Bool = false
    /// Whether Storage Commitment Push Model is served (a commitment handler is present).
    public var servesCommitment: Bool = false

    public init(
        aeTitle: String, directory: ApplicationEntityDirectory, maximumPDULength: UInt32 = 1 << 20,
        implementationClassUID: String = Implementation.classUID, implementationVersionName: String = Implementation.versionName, servesQuery: Bool = false
    ) {
        self.servesQuery = servesQuery
        self.aeTitle = aeTitle
        self.directory = directory
        self.maximumPDULength = maximumPDULength
        self.implementationClassUID = implementationClassUID
        self.implementationVersionName = implementationVersionName
    }

    public enum Decision: Sendable {
        case accept(AssociateAccept, AssociationContext)
        case reject(AssociateReject, reason: String)
    }

    /// Decides on `rq` from `peerAddress`.
    public func negotiate(_ rq: AssociateRequest, peerAddress: String) -> Decision {
        guard rq.protocolVersion & 1 == 1 else {
            return .reject(.protocolVersionNotSupported, reason: "protocol version \(rq.protocolVersion)")
        }
        guard rq.applicationContextName == dicomApplicationContextName else {
            return .reject(.applicationContextNotSupported, reason: "application context \(rq.applicationContextName)")
        }
        guard trimAE(rq.calledAETitle) == trimAE(aeTitle) else {
            return .reject(.calledAETitleNotRecognized, reason: "called AE \(rq.calledAETitle) is not \(aeTitle)")
        }
        let entity: ApplicationEntity?
        let permissions: Set<ApplicationEntity.Permission>
        switch directory.admit(callingAETitle: rq.callingAETitle, address: peerAddress) {
        case .known(let e):
            entity = e
            permissions = e.permissions
        case .unknown(let p):
            entity = nil
            permissions = p
        case .refused(let why):
            return .reject(.callingAETitleNotRecognized, reason: why)
        }
        var results: [PresentationContextResult] = []
        var accepted: [UInt8: AcceptedPresentationContext] = [:]
        // SCP role for a storage class: a C-GET SCU receiving our sub-operations (PS3.7 D.3.3.4).
        let mayRetrieve = servesRetrieve && permissions.contains(.retrieve)
        let scpRoleRequested = Set(rq.userInformation.roleSelections.filter(\.scpRole).map(\.sopClassUID))
        let onlySCPRole = Set(rq.userInformation.roleSelections.filter { $0.scpRole && !$0.scuRole }.map(\.sopClassUID))
        for pc in rq.presentationContexts {
            let result = Self.negotiate(
                pc, permissions: permissions, servesQuery: servesQuery, servesRetrieve: servesRetrieve,
                peerTakesSCPRole: mayRetrieve && scpRoleRequested.contains(pc.abstractSyntax), servesCommitment: servesCommitment,
                peerOnlyReceives: mayRetrieve && onlySCPRole.contains(pc.abstractSyntax))
            results.append(result)
            if result.result == .acceptance {
                accepted[pc.id] = AcceptedPresentationContext(id: pc.id, abstractSyntax: pc.abstractSyntax, transferSyntax: result.transferSyntax)
            }
        }
        var user = UserInformation(
            maximumLength: maximumPDULength, implementationClassUID: implementationClassUID,
            implementationVersionName: implementationVersionName)
        if rq.userInformation.asynchronousOperationsWindow != nil {
            // We perform one operation at a time (PS3.7 §D.3.3.3).
            user.asynchronousOperationsWindow = .init(maximumInvoked: 1, maximumPerformed: 1)
        }
        // Role selection: the requestor may keep its SCU role; it may take the SCP role of a
        // storage class (we are then SCU for C-GET sub-operations) when it may retrieve.
        let acceptedSyntaxes = Set(accepted.values.map(\.abstractSyntax))
        user.roleSelections = rq.userInformation.roleSelections
            .filter { acceptedSyntaxes.contains($0.sopClassUID) }
            .map {
                .init(sopClassUID: $0.sopClassUID, scuRole: $0.scuRole,
                      scpRole: $0.scpRole && mayRetrieve && SOPClasses.isStorage($0.sopClassUID))
            }
        let peerSCPRoles = Set(user.roleSelections.filter(\.scpRole).map(\.sopClassUID))
        let ac = AssociateAccept(
            calledAETitle: rq.calledAETitle, callingAETitle: rq.callingAETitle,
            presentationContexts: results, userInformation: user)
        let context = AssociationContext(
            callingAETitle: trimAE(rq.callingAETitle), calledAETitle: trimAE(rq.calledAETitle), peerAddress: peerAddress,
            entity: entity, contexts: accepted, peerMaximumLength: rq.userInformation.maximumLength ?? 0,
            peerSCPRoles: peerSCPRoles)
        return .accept(ac, context)
    }

    /// One presentation context: the abstract syntax must be one we serve (and the AE allowed
    /// to use it); the proposer's first transfer syntax we know is taken — except on a storage
    /// context whose only role for the peer is SCP (a C-GET receiver, e.g. dcmtk `getscu +xs`
    /// proposing JPEG lossless, Explicit and Implicit VR LE in one context): there Explicit, then
    /// Implicit VR Little Endian is taken when proposed, since every instance of the class can be
    /// sent in it (compressed ones re-encoded) and only those stored compressed in the other.
    static func negotiate(
        _ pc: ProposedPresentationContext, permissions: Set<ApplicationEntity.Permission>, servesQuery: Bool = false,
        servesRetrieve: Bool = false, peerTakesSCPRole: Bool = false, servesCommitment: Bool = false, peerOnlyReceives: Bool = false
    ) -> PresentationContextResult {
        let abstract = pc.abstractSyntax
        if abstract == StorageCommitment.sopClassUID && servesCommitment {
            // Who may store may ask whether it was stored.
            guard permissions.contains(.store) else {
                return PresentationContextResult(id: pc.id, result: .userRejection, transferSyntax: pc.transferSyntaxes.first ?? "")
            }
            guard let ts = pc.transferSyntaxes.first(where: SOPClasses.queryTransferSyntaxes.contains) else {
                return PresentationContextResult(id: pc.id, result: .transferSyntaxesNotSupported, transferSyntax: pc.transferSyntaxes.first ?? "")
            }
            return PresentationContextResult(id: pc.id, result: .acceptance, transferSyntax: ts)
        }
        if RetrieveModel(rawValue: abstract) != nil && servesRetrieve {
            guard permissions.contains(.retrieve) else {
                return PresentationContextResult(id: pc.id, result: .userRejection, transferSyntax: pc.transferSyntaxes.first ?? "")
            }
            guard let ts = pc.transferSyntaxes.first(where: SOPClasses.queryTransferSyntaxes.contains) else {
                return PresentationContextResult(id: pc.id, result: .transferSyntaxesNotSupported, transferSyntax: pc.transferSyntaxes.first ?? "")
            }
            return PresentationContextResult(id: pc.id, result: .acceptance, transferSyntax: ts)
        }
        if QueryRetrieveModel(rawValue: abstract) != nil && servesQuery {
            guard permissions.contains(.query) else {
                return PresentationContextResult(id: pc.id, result: .userRejection, transferSyntax: pc.transferSyntaxes.first ?? "")
            }
            guard let ts = pc.transferSyntaxes.first(where: SOPClasses.queryTransferSyntaxes.contains) else {
                return PresentationContextResult(id: pc.id, result: .transferSyntaxesNotSupported, transferSyntax: pc.transferSyntaxes.first ?? "")
            }
            return PresentationContextResult(id: pc.id, result: .acceptance, transferSyntax: ts)
        }
        let isVerification = abstract == SOPClasses.verification
        guard isVerification || SOPClasses.isStorage(abstract) else {
            return PresentationContextResult(id: pc.id, result: .abstractSyntaxNotSupported, transferSyntax: pc.transferSyntaxes.first ?? "")
        }
        if !isVerification && !permissions.contains(.store) && !peerTakesSCPRole {
            return PresentationContextResult(id: pc.id, result: .userRejection, transferSyntax: pc.transferSyntaxes.first ?? "")
        }
        if peerOnlyReceives, let ts = [UID.explicitVRLittleEndian, UID.implicitVRLittleEndian].first(where: pc.transferSyntaxes.contains) {
            return PresentationContextResult(id: pc.id, result: .acceptance, transferSyntax: ts)
        }
        guard let ts = pc.transferSyntaxes.first(where: SOPClasses.isKnownTransferSyntax) else {
            return PresentationContextResult(id: pc.id, result: .transferSyntaxesNotSupported, transferSyntax: pc.transferSyntaxes.first ?? "")
        }
        return PresentationContextResult(id: pc.id, result: .acceptance, transferSyntax: ts)
    }
}
