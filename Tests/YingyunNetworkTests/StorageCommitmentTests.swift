import NIOCore
import Testing
import YingyunDICOM
@testable import YingyunNetwork

/// Storage commitment information (PS3.4 J.3.2, J.3.3): parsing the N-ACTION, writing the
/// N-EVENT-REPORT, and the negotiation of the SOP class.
@Suite struct StorageCommitmentTests {
    static func ref(_ c: String, _ i: String) -> DataSet {
        DataSet([DataElement(tag: .referencedSOPClassUID, vr: .UI, strings: [c]), DataElement(tag: .referencedSOPInstanceUID, vr: .UI, strings: [i])])
    }

    @Test func actionInformationRoundTripsIntoAnEventReport() throws {
        let action = DataSet([
            DataElement(tag: .transactionUID, vr: .UI, strings: ["1.2.3"]),
            DataElement(tag: .referencedSOPSequence, items: [Self.ref("1.2.840.10008.5.1.4.1.1.2", "1.9.1"), Self.ref("1.2.840.10008.5.1.4.1.1.2", "1.9.2")]),
        ])
        let bytes = try DataSetWriter(transferSyntax: TransferSyntax(uid: "1.2.840.10008.1.2")).write(action)
        let parsed = try DataSetParser.parse(source: BufferByteSource(bytes), transferSyntax: TransferSyntax(uid: "1.2.840.10008.1.2")).dataSet
        let (transaction, refs) = try StorageCommitmentResult.parseRequest(parsed)
        #expect(transaction == "1.2.3")
        #expect(refs.map(\.sopInstanceUID) == ["1.9.1", "1.9.2"])

        var result = StorageCommitmentResult(transactionUID: transaction)
        result.committed = [refs[0]]
        result.failed = [(refs[1], StorageCommitment.noSuchObjectInstance)]
        #expect(result.eventTypeID == 2)
        let info = result.eventInformation()
        #expect(info[.referencedSOPSequence]?.items?.count == 1)
        let failed = try #require(info[.failedSOPSequence]?.items?.first)
        #expect(failed[.failureReason]?.bytes.map { Array($0.readableBytesView) } == [0x12, 0x01])
        result.failed = []
        #expect(result.eventTypeID == 1)
        #expect(result.eventInformation()[.failedSOPSequence] == nil)
    }

    @Test func missingTransactionOrReferencesIsRefused() {
        #expect(throws: StoreRefusal.self) { try StorageCommitmentResult.parseRequest(DataSet([])) }
        #expect(throws: StoreRefusal.self) {
            try StorageCommitmentResult.parseRequest(DataSet([DataElement(tag: .transactionUID, vr: .UI, strings: ["1.2"])]))
        }
    }

    @Test func commitmentClassIsAcceptedForStorersOnly() {
        var n = AssociationNegotiator(
            aeTitle: "YINGYUN",
            directory: ApplicationEntityDirectory(strict: true, entities: [
                ApplicationEntity(aeTitle: "CT01", permissions: [.store]), ApplicationEntity(aeTitle: "WS01", permissions: [.query]),
            ]))
        n.servesCommitment = true
        let pcs = [ProposedPresentationContext(id: 1, abstractSyntax: StorageCommitment.sopClassUID, transferSyntaxes: ["1.2.840.10008.1.2"])]
        for (calling, expected) in [("CT01", PresentationContextResult.Result.acceptance), ("WS01", .userRejection)] {
            let rq = AssociateRequest(calledAETitle: "YINGYUN", callingAETitle: calling, presentationContexts: pcs, userInformation: UserInformation())
            guard case .accept(let ac, _) = n.negotiate(rq, peerAddress: "127.0.0.1") else { Issue.record("rejected"); continue }
            #expect(ac.presentationContexts.first?.result == expected)
        }
    }
}
