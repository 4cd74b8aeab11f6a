import Testing
@testable import YingyunNetwork

/// C-GET/C-MOVE negotiation (PS3.7 D.3.3.4 role selection) and the sub-operation counts.
@Suite struct RetrieveNegotiationTests {
    static let ct = "1.2.840.10008.5.1.4.1.1.2"
    static let explicitLE = "1.2.840.10008.1.2.1"

    func request(calling: String, scpRole: Bool) -> AssociateRequest {
        AssociateRequest(
            calledAETitle: "YINGYUN", callingAETitle: calling,
            presentationContexts: [
                .init(id: 1, abstractSyntax: RetrieveModel.studyRootGet.rawValue, transferSyntaxes: [Self.explicitLE]),
                .init(id: 3, abstractSyntax: RetrieveModel.studyRootMove.rawValue, transferSyntaxes: [Self.explicitLE]),
                .init(id: 5, abstractSyntax: Self.ct, transferSyntaxes: [Self.explicitLE]),
            ],
            userInformation: UserInformation(
                maximumLength: 16384, roleSelections: [.init(sopClassUID: Self.ct, scuRole: false, scpRole: scpRole)]))
    }

    func negotiator(_ permissions: Set<ApplicationEntity.Permission>, serves: Bool = true) -> AssociationNegotiator {
        var n = AssociationNegotiator(
            aeTitle: "YINGYUN",
            directory: ApplicationEntityDirectory(strict: true, entities: [ApplicationEntity(aeTitle: "WS01", permissions: permissions)]))
        n.servesRetrieve = serves
        return n
    }

    @Test func retrieverGetsTheSCPRoleForStorageClasses() throws {
        guard case .accept(let ac, let context) = negotiator([.retrieve]).negotiate(request(calling: "WS01", scpRole: true), peerAddress: "127.0.0.1") else {
            Issue.record("rejected")
            return
        }
        #expect(ac.presentationContexts.allSatisfy { $0.result == .acceptance })
        #expect(ac.userInformation.roleSelections == [.init(sopClassUID: Self.ct, scuRole: false, scpRole: true)])
        #expect(context.peerSCPRoles == [Self.ct])
    }

    @Test func withoutRetrievePermissionNoRetrieveContextsNorSCPRole() throws {
        guard case .accept(let ac, let context) = negotiator([.store]).negotiate(request(calling: "WS01", scpRole: true), peerAddress: "127.0.0.1") else {
            Issue.record("rejected")
            return
        }
        let results = Dictionary(uniqueKeysWithValues: ac.presentationContexts.map { ($0.id, $0.result) })
        #expect(results[1] == .userRejection)
        #expect(results[3] == .userRejection)
        #expect(results[5] == .acceptance)  // as a store SCP
        #expect(ac.userInformation.roleSelections.allSatisfy { !$0.scpRole })
        #expect(context.peerSCPRoles.isEmpty)
    }

    @Test func retrieveOnlyAEWithoutRoleSelectionCannotStore() throws {
        guard case .accept(let ac, _) = negotiator([.retrieve]).negotiate(request(calling: "WS01", scpRole: false), peerAddress: "127.0.0.1") else {
            Issue.record("rejected")
            return
        }
        #expect(ac.presentationContexts.first { $0.id == 5 }?.result == .userRejection)
    }

    @Test func notServedMeansNotAccepted() throws {
        guard case .accept(let ac, _) = negotiator([.retrieve], serves: false).negotiate(request(calling: "WS01", scpRole: true), peerAddress: "127.0.0.1") else {
            Issue.record("rejected")
            return
        }
        #expect(ac.presentationContexts.first { $0.id == 1 }?.result == .abstractSyntaxNotSupported)
    }

    @Test func countsAndFinalStatus() {
        var c = SubOperationCounts(remaining: 3)
        #expect(c.finalStatus(cancelled: false) == .success)
        c.record(.success, sopInstanceUID: "1")
        c.record(.coercionOfDataElements, sopInstanceUID: "2")
        #expect(c.finalStatus(cancelled: false) == .subOperationsCompleteWithFailures)
        c.record(.outOfResources, sopInstanceUID: "3")
        #expect((c.remaining, c.completed, c.warning, c.failed) == (0, 1, 1, 1))
        #expect(c.failedSOPInstanceUIDs == ["3"])
        var allFailed = SubOperationCounts(remaining: 1)
        allFailed.recordFailure(sopInstanceUID: "9")
        #expect(allFailed.finalStatus(cancelled: false) == .unableToPerformSubOperations)
        #expect(allFailed.finalStatus(cancelled: true) == .cancel)
    }

    @Test func pendingResponseCarriesRemainingFinalDoesNot() {
        let rq = CommandSet.request(.cGetRQ, messageID: 7, affectedSOPClassUID: RetrieveModel.studyRootGet.rawValue, hasDataSet: true)
        var c = SubOperationCounts(remaining: 2)
        c.record(.success, sopInstanceUID: "1")
        let pending = CommandSet.retrieveResponse(to: rq, status: .pending, counts: c)
        #expect(pending.commandField == .cGetRSP)
        #expect(pending.uint16(CommandSet.Element.numberOfRemainingSubOperations) == 1)
        #expect(pending.uint16(CommandSet.Element.numberOfCompletedSubOperations) == 1)
        let final = CommandSet.retrieveResponse(to: rq, status: .success, counts: c)
        #expect(final.uint16(CommandSet.Element.numberOfRemainingSubOperations) == nil)
        #expect(final.messageIDBeingRespondedTo == 7)
    }
}
