/// The DICOM application context name (PS3.7 Annex A.2.1); the only one defined.
public let dicomApplicationContextName = "1.2.840.10008.3.1.1.1"

/// A-ASSOCIATE-RQ (PS3.8 §9.3.2).
public struct AssociateRequest: Sendable, Hashable {
    /// Bit 0 set: version 1 (the only one defined).
    public var protocolVersion: UInt16
    public var calledAETitle: String
    public var callingAETitle: String
    public var applicationContextName: String
    public var presentationContexts: [ProposedPresentationContext]
    public var userInformation: UserInformation

    public init(
        protocolVersion: UInt16 = 1, calledAETitle: String, callingAETitle: String,
        applicationContextName: String = dicomApplicationContextName,
        presentationContexts: [ProposedPresentationContext], userInformation: UserInformation
    ) {
        self.protocolVersion = protocolVersion
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
        self.applicationContextName = applicationContextName
        self.presentationContexts = presentationContexts
        self.userInformation = userInformation
    }
}

/// A presentation context item of an A-ASSOCIATE-RQ (PS3.8 §9.3.2.2): one abstract syntax and
/// the transfer syntaxes the requestor can use for it, in its order of preference.
public struct ProposedPresentationContext: Sendable, Hashable {
    /// Odd, 1...255.
    public var id: UInt8
    public var abstractSyntax: String
    public var transferSyntaxes: [String]

    public init(id: UInt8, abstractSyntax: String, transferSyntaxes: [String]) {
        self.id = id
        self.abstractSyntax = abstractSyntax
        self.transferSyntaxes = transferSyntaxes
    }
}

/// A-ASSOCIATE-AC (PS3.8 §9.3.3).
public struct AssociateAccept: Sendable, Hashable {
    public var protocolVersion: UInt16
    /// Echoed from the request (PS3.8 says "not tested").
    public var calledAETitle: String
    public var callingAETitle: String
    public var applicationContextName: String
    public var presentationContexts: [PresentationContextResult]
    public var userInformation: UserInformation

    public init(
        protocolVersion: UInt16 = 1, calledAETitle: String, callingAETitle: String,
        applicationContextName: String = dicomApplicationContextName,
        presentationContexts: [PresentationContextResult], userInformation: UserInformation
    ) {
        self.protocolVersion = protocolVersion
        self.calledAETitle = calledAETitle
        self.callingAETitle = callingAETitle
        self.applicationContextName = applicationContextName
        self.presentationContexts = presentationContexts
        self.userInformation = userInformation
    }
}

/// A presentation context item of an A-ASSOCIATE-AC (PS3.8 §9.3.3.2).
public struct PresentationContextResult: Sendable, Hashable {
    /// Result/reason (PS3.8 Table 9-18).
    public enum Result: UInt8, Sendable, Hashable {
        case acceptance = 0
        case userRejection = 1
        case noReason = 2
        case abstractSyntaxNotSupported = 3
        case transferSyntaxesNotSupported = 4
    }
    public var id: UInt8
    public var result: Result
    /// The accepted transfer syntax; not significant unless accepted (still sent, PS3.8 §9.3.3.2).
    public var transferSyntax: String

    public init(id: UInt8, result: Result, transferSyntax: String) {
        self.id = id
        self.result = result
        self.transferSyntax = transferSyntax
    }
}
