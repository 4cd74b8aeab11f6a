import NIOCore
import Testing
@testable import YingyunNetwork

/// A clock reading we control.
struct TestInstant: InstantProtocol {
    var offset: Duration
    func advanced(by duration: Duration) -> TestInstant { TestInstant(offset: offset + duration) }
    func duration(to other: TestInstant) -> Duration { other.offset - offset }
    static func < (a: TestInstant, b: TestInstant) -> Bool { a.offset < b.offset }
    static func at(_ seconds: Int) -> TestInstant { TestInstant(offset: .seconds(seconds)) }
}

@Suite struct AssociationStateMachineTests {
    typealias Machine = AssociationStateMachine<TestInstant>
    static let ac = AssociateAccept(calledAETitle: "A", callingAETitle: "B", presentationContexts: [], userInformation: UserInformation())

    func established() -> Machine {
        var m = Machine(artimTimeout: .seconds(10), idleTimeout: .seconds(60))
        _ = m.handle(.transportConnected, now: .at(0))
        _ = m.handle(.received(.associateRQ(PDUCodecTests.request)), now: .at(1))
        _ = m.handle(.accept(Self.ac), now: .at(1))
        return m
    }

    @Test func acceptPathReachesSta6AndReleasesThroughSta8AndSta13() {
        var m = Machine(artimTimeout: .seconds(10), idleTimeout: .seconds(60))
        #expect(m.handle(.transportConnected, now: .at(0)).isEmpty)
        #expect(m.state == .awaitingAssociateRequest)
        #expect(m.nextDeadline == .at(10))
        #expect(m.handle(.received(.associateRQ(PDUCodecTests.request)), now: .at(1)) == [.indicateAssociateRequest(PDUCodecTests.request)])
        #expect(m.state == .awaitingLocalAssociateResponse)
        #expect(m.nextDeadline == nil)
        #expect(m.handle(.accept(Self.ac), now: .at(1)) == [.send(.associateAC(Self.ac))])
        #expect(m.state == .established)
        let p = PDataTF(values: [PresentationDataValue(presentationContextID: 1, isCommand: true, isLast: true, fragment: ByteBuffer())])
        #expect(m.handle(.received(.pData(p)), now: .at(2)) == [.indicatePData(p)])
        #expect(m.handle(.send(p), now: .at(2)) == [.send(.pData(p))])
        #expect(m.handle(.received(.releaseRQ), now: .at(3)) == [.indicateRelease])
        #expect(m.state == .awaitingLocalReleaseResponse)
        #expect(m.handle(.releaseResponse, now: .at(3)) == [.send(.releaseRP)])
        #expect(m.state == .awaitingTransportClose)
        #expect(m.nextDeadline == .at(13))
        #expect(m.handle(.transportClosed, now: .at(4)).isEmpty)
        #expect(m.state == .idle)
    }

    @Test func artimClosesAConnectionThatNeverAssociates() {
        var m = Machine(artimTimeout: .seconds(10), idleTimeout: .seconds(60))
        _ = m.handle(.transportConnected, now: .at(0))
        #expect(m.expire(now: .at(9)).isEmpty)
        let actions = m.expire(now: .at(10))
        #expect(actions.contains(.closeTransport))
        #expect(m.state == .idle)
    }

    @Test func pDataBeforeAssociationIsAbortedThenClosedByARTIM() {
        var m = Machine(artimTimeout: .seconds(10), idleTimeout: .seconds(60))
        _ = m.handle(.transportConnected, now: .at(0))
        let p = PDataTF(values: [PresentationDataValue(presentationContextID: 1, isCommand: true, isLast: true, fragment: ByteBuffer())])
        let actions = m.handle(.received(.pData(p)), now: .at(1))
        #expect(actions.contains(.send(.abort(.unexpectedPDU))))
        #expect(m.state == .awaitingTransportClose)
        #expect(m.handle(.received(.releaseRQ), now: .at(2)).isEmpty)
        #expect(m.expire(now: .at(11)).contains(.closeTransport))
    }

    @Test func rejectWaitsForThePeerToClose() {
        var m = Machine(artimTimeout: .seconds(10), idleTimeout: .seconds(60))
        _ = m.handle(.transportConnected, now: .at(0))
        _ = m.handle(.received(.associateRQ(PDUCodecTests.request)), now: .at(1))
        #expect(m.handle(.reject(.calledAETitleNotRecognized), now: .at(1)) == [.send(.associateRJ(.calledAETitleNotRecognized))])
        #expect(m.state == .awaitingTransportClose)
        #expect(m.nextDeadline == .at(11))
    }

    @Test func idleEstablishedAssociationIsAborted() {
        var m = established()
        #expect(m.expire(now: .at(60)).isEmpty)
        _ = m.handle(.received(.pData(PDataTF(values: []))), now: .at(30))
        #expect(m.expire(now: .at(61)).isEmpty)
        let actions = m.expire(now: .at(90))
        #expect(actions.contains(.send(.abort(.reasonNotSpecified))))
        #expect(actions.contains(.indicateAbort(.reasonNotSpecified)))
        #expect(m.state == .awaitingTransportClose)
        #expect(m.expire(now: .at(100)).contains(.closeTransport))
    }

    @Test func invalidPDUInSta6AbortsWithAReason() {
        var m = established()
        let e = UpperLayerError(.unknownPDUType, offset: 0, "x")
        let actions = m.handle(.invalidPDU(e), now: .at(2))
        #expect(actions.contains(.send(.abort(.unrecognizedPDU))))
        #expect(actions.contains(.indicateAbort(.unrecognizedPDU)))
    }

    @Test func unexpectedAssociateRequestInSta6Aborts() {
        var m = established()
        let actions = m.handle(.received(.associateRQ(PDUCodecTests.request)), now: .at(2))
        #expect(actions.contains(.send(.abort(.unexpectedPDU))))
        #expect(m.state == .awaitingTransportClose)
    }

    @Test func peerAbortEndsTheAssociation() {
        var m = established()
        #expect(m.handle(.received(.abort(.serviceUser)), now: .at(2)) == [.indicateAbort(.serviceUser), .closeTransport])
        #expect(m.state == .idle)
    }

    @Test func connectionLossInSta6IsAnAbortIndication() {
        var m = established()
        #expect(m.handle(.transportClosed, now: .at(2)) == [.indicateAbort(.reasonNotSpecified)])
    }
}
