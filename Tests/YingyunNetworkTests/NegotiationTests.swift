import Foundation
import Testing
@testable import YingyunNetwork

@Suite struct NegotiationTests {
    static let ct = "1.2.840.10008.5.1.4.1.1.2"

    func request(called: String = "YINGYUN", calling: String = "CT01", contexts: [ProposedPresentationContext]? = nil) -> AssociateRequest {
        AssociateRequest(
            calledAETitle: called, callingAETitle: calling,
            presentationContexts: contexts ?? [
                .init(id: 1, abstractSyntax: SOPClasses.verification, transferSyntaxes: ["1.2.840.10008.1.2"]),
                .init(id: 3, abstractSyntax: Self.ct, transferSyntaxes: ["1.2.999.1", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2"]),
                .init(id: 5, abstractSyntax: "1.2.840.10008.5.1.4.1.2.2.1", transferSyntaxes: ["1.2.840.10008.1.2"]),
                .init(id: 7, abstractSyntax: Self.ct, transferSyntaxes: ["1.2.999.2"]),
            ],
            userInformation: UserInformation(maximumLength: 16384, asynchronousOperationsWindow: .init(maximumInvoked: 5, maximumPerformed: 5)))
    }

    @Test func acceptsTheProposersFirstKnownTransferSyntax() throws {
        let n = AssociationNegotiator(aeTitle: "YINGYUN", directory: ApplicationEntityDirectory(strict: false), maximumPDULength: 65536)
        guard case .accept(let ac, let context) = n.negotiate(request(), peerAddress: "127.0.0.1") else {
            Issue.record("rejected")
            return
        }
        let results = Dictionary(uniqueKeysWithValues: ac.presentationContexts.map { ($0.id, $0) })
        #expect(results[1]?.result == .acceptance)
        #expect(results[3]?.result == .acceptance)
        #expect(results[3]?.transferSyntax == "1.2.840.10008.1.2.4.70")
        #expect(results[5]?.result == .abstractSyntaxNotSupported)  // C-FIND: not served yet
        #expect(results[7]?.result == .transferSyntaxesNotSupported)
        #expect(ac.userInformation.maximumLength == 65536)
        #expect(ac.userInformation.asynchronousOperationsWindow == .init(maximumInvoked: 1, maximumPerformed: 1))
        #expect(ac.userInformation.implementationClassUID == "2.25.14671710115014693786645493356440918400")
        #expect(context.peerMaximumLength == 16384)
        #expect(context.contexts.count == 2)
    }

    @Test func unknownCalledAETitleIsRejectedWithReason7() {
        let n = AssociationNegotiator(aeTitle: "YINGYUN", directory: ApplicationEntityDirectory(strict: false))
        guard case .reject(let rj, _) = n.negotiate(request(called: "OTHER"), peerAddress: "127.0.0.1") else {
            Issue.record("accepted")
            return
        }
        #expect(rj == AssociateReject(result: .permanent, source: 1, reason: 7))
    }

    @Test func strictDirectoryRejectsUnknownCallingAEWithReason3() {
        let dir = ApplicationEntityDirectory(strict: true, entities: [ApplicationEntity(aeTitle: "CT01", addresses: ["10.0.0.5"])])
        let n = AssociationNegotiator(aeTitle: "YINGYUN", directory: dir)
        guard case .reject(let rj, _) = n.negotiate(request(calling: "MR09"), peerAddress: "10.0.0.5") else {
            Issue.record("accepted")
            return
        }
        #expect(rj == AssociateReject(result: .permanent, source: 1, reason: 3))
        guard case .reject = n.negotiate(request(calling: "CT01"), peerAddress: "10.0.0.6") else {
            Issue.record("accepted from a foreign address")
            return
        }
        guard case .accept(_, let context) = n.negotiate(request(calling: "CT01"), peerAddress: "10.0.0.5") else {
            Issue.record("rejected")
            return
        }
        #expect(context.entity?.aeTitle == "CT01")
    }

    @Test func aeWithoutStorePermissionGetsStorageContextsRejectedByUser() {
        let dir = ApplicationEntityDirectory(strict: true, entities: [ApplicationEntity(aeTitle: "CT01", permissions: [.query])])
        let n = AssociationNegotiator(aeTitle: "YINGYUN", directory: dir)
        guard case .accept(let ac, _) = n.negotiate(request(), peerAddress: "1.1.1.1") else {
            Issue.record("rejected")
            return
        }
        #expect(ac.presentationContexts.first { $0.id == 1 }?.result == .acceptance)
        #expect(ac.presentationContexts.first { $0.id == 3 }?.result == .userRejection)
    }

    @Test func wrongApplicationContextAndProtocolVersionAreRejected() {
        let n = AssociationNegotiator(aeTitle: "YINGYUN", directory: ApplicationEntityDirectory())
        var rq = request()
        rq.applicationContextName = "1.2.3"
        guard case .reject(let rj, _) = n.negotiate(rq, peerAddress: "x") else { Issue.record("accepted"); return }
        #expect(rj == .applicationContextNotSupported)
        rq = request()
        rq.protocolVersion = 2
        guard case .reject(let rj2, _) = n.negotiate(rq, peerAddress: "x") else { Issue.record("accepted"); return }
        #expect(rj2 == .protocolVersionNotSupported)
    }

    @Test func queryContextsNeedAHandlerThePermissionAndALittleEndianSyntax() {
        let find = QueryRetrieveModel.studyRoot.rawValue
        let contexts: [ProposedPresentationContext] = [
            .init(id: 1, abstractSyntax: find, transferSyntaxes: ["1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2"]),
            .init(id: 3, abstractSyntax: QueryRetrieveModel.patientRoot.rawValue, transferSyntaxes: ["1.2.840.10008.1.2.1.99"]),
        ]
        func results(_ dir: ApplicationEntityDirectory, serves: Bool) -> [UInt8: PresentationContextResult.Result] {
            let n = AssociationNegotiator(aeTitle: "YINGYUN", directory: dir, servesQuery: serves)
            guard case .accept(let ac, _) = n.negotiate(request(contexts: contexts), peerAddress: "1.1.1.1") else { return [:] }
            return Dictionary(uniqueKeysWithValues: ac.presentationContexts.map { ($0.id, $0.result) })
        }
        let open = ApplicationEntityDirectory(strict: false, defaultPermissions: [.store, .query])
        #expect(results(open, serves: true) == [1: .acceptance, 3: .transferSyntaxesNotSupported])
        #expect(results(open, serves: false) == [1: .abstractSyntaxNotSupported, 3: .abstractSyntaxNotSupported])
        let storeOnly = ApplicationEntityDirectory(strict: false, defaultPermissions: [.store])
        #expect(results(storeOnly, serves: true) == [1: .userRejection, 3: .userRejection])
    }

    @Test func storageSOPClassesComeFromTheRegistry() {
        #expect(SOPClasses.isStorage("1.2.840.10008.5.1.4.1.1.2"))      // CT
        #expect(SOPClasses.isStorage("1.2.840.10008.5.1.4.1.1.4"))      // MR
        #expect(SOPClasses.isStorage("1.2.840.10008.5.1.4.1.1.7"))      // SC
        #expect(SOPClasses.isStorage("1.2.840.10008.5.1.4.1.1.104.1"))  // Encapsulated PDF
        #expect(SOPClasses.isStorage("1.2.840.10008.5.1.4.1.1.88.11"))  // Basic Text SR
        #expect(SOPClasses.isStorage("1.2.840.10008.5.1.4.1.1.1.1"))    // DX for presentation
        #expect(!SOPClasses.isStorage("1.2.840.10008.1.20.1"))         // storage commitment
        #expect(!SOPClasses.isStorage("1.2.840.10008.1.3.10"))         // DICOMDIR
        #expect(!SOPClasses.isStorage("1.2.840.10008.5.1.4.1.2.2.1"))  // study root FIND
        #expect(!SOPClasses.isStorage("1.2.840.10008.1.2"))            // a transfer syntax
    }

    @Test func directoryLoadsFromJSON() throws {
        let json = """
        { "strict": true, "entities": [ { "aeTitle": "CT01", "addresses": ["10.0.0.5"], "institution": "First Hospital",
          "defaultIssuerOfPatientID": "HOSP1", "permissions": ["store", "query"],
          "moveDestination": { "host": "10.0.0.5", "port": 104 } }, { "aeTitle": "MR02" } ] }
        """
        let dir = try JSONDecoder().decode(ApplicationEntityDirectory.self, from: Data(json.utf8))
        #expect(dir.strict)
        #expect(dir.entity("CT01")?.defaultIssuerOfPatientID == "HOSP1")
        #expect(dir.entity("CT01")?.permissions == [.store, .query])
        #expect(dir.entity("CT01")?.moveDestination == .init(host: "10.0.0.5", port: 104))
        #expect(dir.entity("MR02")?.permissions == [.store])
        let bad = #"{ "entities": [ { "aeTitle": "THIS_TITLE_IS_TOO_LONG" } ] }"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ApplicationEntityDirectory.self, from: Data(bad.utf8)) }
        let twice = #"{ "entities": [ { "aeTitle": "A" }, { "aeTitle": "A" } ] }"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ApplicationEntityDirectory.self, from: Data(twice.utf8)) }
    }
}
