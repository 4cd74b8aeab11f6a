/// The DICOM upper layer state machine, acceptor side (PS3.8 §9.2, Table 9-10), as a pure value:
/// each event returns the actions to carry out; the caller owns sockets and clocks.
///
/// Timers run on an injected clock: the caller passes `now` with every event and calls
/// `expire(now:)` at `nextDeadline`. Two timers exist:
/// - ARTIM (PS3.8 §9.1.5): from transport connect until the A-ASSOCIATE-RQ arrives, and from a
///   reject/release/abort we sent until the peer closes the connection;
/// - idle: an established association on which nothing arrives for `idleTimeout` is aborted
///   (a local A-ABORT request, Evt15): a peer that went silent must not hold a connection forever.
public struct AssociationStateMachine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The states the acceptor passes through (PS3.8 Table 9-1).
    public enum State: String, Sendable, Hashable {
        /// Sta1: no association, no connection.
        case idle = "Sta1"
        /// Sta2: connection open, waiting for A-ASSOCIATE-RQ.
        case awaitingAssociateRequest = "Sta2"
        /// Sta3: A-ASSOCIATE-RQ received, waiting for our accept or reject.
        case awaitingLocalAssociateResponse = "Sta3"
        /// Sta6: association established, ready for data transfer.
        case established = "Sta6"
        /// Sta8: A-RELEASE-RQ received, waiting for our release response.
        case awaitingLocalReleaseResponse = "Sta8"
        /// Sta13: waiting for the peer to close the connection.
        case awaitingTransportClose = "Sta13"
    }

    public enum Event: Sendable {
        /// Evt5: a connection was accepted.
        case transportConnected
        /// Evt3/4/6/10/12/13/16: a decoded PDU arrived.
        case received(PDU)
        /// Evt19: bytes that are no valid PDU.
        case invalidPDU(UpperLayerError)
        /// Evt7: we accept the association.
        case accept(AssociateAccept)
        /// Evt8: we reject it.
        case reject(AssociateReject)
        /// Evt9: we send a P-DATA-TF (a DIMSE response).
        case send(PDataTF)
        /// Evt14: we answer the release request.
        case releaseResponse
        /// Evt15: we abort (local decision).
        case abort(Abort)
        /// Evt17: the connection closed.
        case transportClosed
    }

    public enum Action: Sendable, Equatable {
        case send(PDU)
        /// A-ASSOCIATE indication: decide, then feed `.accept` or `.reject`.
        case indicateAssociateRequest(AssociateRequest)
        /// P-DATA indication: hand the PDVs to the DIMSE layer.
        case indicatePData(PDataTF)
        /// A-RELEASE indication: finish outstanding work, then feed `.releaseResponse`.
        case indicateRelease
        /// A-ABORT / A-P-ABORT indication: the association is gone; drop what is in flight.
        case indicateAbort(Abort)
        case closeTransport
        /// A timer fired or a PDU was out of place: worth a log line.
        case log(String)
    }

    public private(set) var state: State = .idle
    public let artimTimeout: Duration
    public let idleTimeout: Duration
    private var artimDeadline: Instant?
    private var idleDeadline: Instant?

    public init(artimTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(300)) {
        self.artimTimeout = artimTimeout
        self.idleTimeout = idleTimeout
    }

    /// The earliest time `expire(now:)` must be called.
    public var nextDeadline: Instant? {
        switch (artimDeadline, idleDeadline) {
        case (let a?, let i?): return min(a, i)
        case (let a?, nil): return a
        case (nil, let i?): return i
        case (nil, nil): return nil
        }
    }

    /// Evt18 (ARTIM expired) or the idle timeout, if due at `now`.
    public mutating func expire(now: Instant) -> [Action] {
        if let a = artimDeadline, a <= now {
            // AA-2: close the connection.
            artimDeadline = nil
            idleDeadline = nil
            let was = state
            state = .idle
            return [.log("ARTIM timer expired in \(was.rawValue)"), .closeTransport]
        }
        if let i = idleDeadline, i <= now, state == .established || state == .awaitingLocalReleaseResponse {
            idleDeadline = nil
            var actions: [Action] = [.log("association idle for \(idleTimeout): aborting")]
            actions += handle(.abort(.reasonNotSpecified), now: now)
            actions.append(.indicateAbort(.reasonNotSpecified))
            return actions
        }
        return []
    }

    /// Feeds one event.
    /// - Returns: the actions to carry out, in order.
    public mutating func handle(_ event: Event, now: Instant) -> [Action] {
        switch (state, event) {
        case (.idle, .transportConnected):
            // AE-5
            state = .awaitingAssociateRequest
            artimDeadline = now.advanced(by: artimTimeout)
            return []

        case (.awaitingAssociateRequest, .received(.associateRQ(let rq))):
            // AE-6
            artimDeadline = nil
            state = .awaitingLocalAssociateResponse
            return [.indicateAssociateRequest(rq)]

        case (.awaitingLocalAssociateResponse, .accept(let ac)):
            // AE-7
            state = .established
            idleDeadline = now.advanced(by: idleTimeout)
            return [.send(.associateAC(ac))]

        case (.awaitingLocalAssociateResponse, .reject(let rj)):
            // AE-8
            state = .awaitingTransportClose
            artimDeadline = now.advanced(by: artimTimeout)
            return [.send(.associateRJ(rj))]

        case (.established, .received(.pData(let p))):
            // DT-2
            idleDeadline = now.advanced(by: idleTimeout)
            return [.indicatePData(p)]

        case (.established, .send(let p)), (.awaitingLocalReleaseResponse, .send(let p)):
            // DT-1, AR-7
            idleDeadline = now.advanced(by: idleTimeout)
            return [.send(.pData(p))]

        case (.established, .received(.releaseRQ)):
            // AR-2
            state = .awaitingLocalReleaseResponse
            idleDeadline = now.advanced(by: idleTimeout)
            return [.indicateRelease]

        case (.awaitingLocalReleaseResponse, .releaseResponse):
            // AR-4
            state = .awaitingTransportClose
            idleDeadline = nil
            artimDeadline = now.advanced(by: artimTimeout)
            return [.send(.releaseRP)]

        case (.awaitingTransportClose, .received(.abort)),
            (.awaitingAssociateRequest, .received(.abort)):
            // AA-2
            return toIdle([.closeTransport])

        case (.awaitingLocalAssociateResponse, .received(.abort(let a))),
            (.established, .received(.abort(let a))),
            (.awaitingLocalReleaseResponse, .received(.abort(let a))):
            // AA-3
            return toIdle([.indicateAbort(a), .closeTransport])

        case (.awaitingTransportClose, .received):
            // AA-6/AA-7: ignore what arrives after we are done.
            return []

        case (.awaitingAssociateRequest, .received(let pdu)):
            // AA-1: anything but A-ASSOCIATE-RQ first.
            return abortAndWait(.unexpectedPDU, "\(pdu.type) before A-ASSOCIATE-RQ", now: now)

        case (.awaitingAssociateRequest, .invalidPDU(let e)):
            return abortAndWait(Self.abort(for: e), "invalid PDU: \(e)", now: now)

        case (.awaitingLocalAssociateResponse, .received(let pdu)),
            (.established, .received(let pdu)),
            (.awaitingLocalReleaseResponse, .received(let pdu)):
            // AA-8: an unexpected PDU.
            var actions = abortAndWait(.unexpectedPDU, "unexpected \(pdu.type) in \(state.rawValue)", now: now)
            actions.append(.indicateAbort(.unexpectedPDU))
            return actions

        case (.awaitingLocalAssociateResponse, .invalidPDU(let e)),
            (.established, .invalidPDU(let e)),
            (.awaitingLocalReleaseResponse, .invalidPDU(let e)):
            // AA-8 for Evt19.
            let abort = Self.abort(for: e)
            var actions = abortAndWait(abort, "invalid PDU: \(e)", now: now)
            actions.append(.indicateAbort(abort))
            return actions

        case (.awaitingTransportClose, .invalidPDU):
            return []

        case (.awaitingAssociateRequest, .abort(let a)), (.awaitingLocalAssociateResponse, .abort(let a)),
            (.established, .abort(let a)), (.awaitingLocalReleaseResponse, .abort(let a)):
            // AA-1 for a local A-ABORT request.
            state = .awaitingTransportClose
            idleDeadline = nil
            artimDeadline = now.advanced(by: artimTimeout)
            return [.send(.abort(a))]

        case (_, .transportClosed):
            // AA-4 / AA-5 / AR-5.
            let inAssociation = state == .established || state == .awaitingLocalReleaseResponse
                || state == .awaitingLocalAssociateResponse
            return toIdle(inAssociation ? [.indicateAbort(.reasonNotSpecified)] : [])

        default:
            // A local request that makes no sense in this state: a programming error upstream;
            // answer with an abort rather than trapping the process.
            return [.log("event \(event) ignored in \(state.rawValue)")]
        }
    }

    private mutating func abortAndWait(_ abort: Abort, _ why: String, now: Instant) -> [Action] {
        state = .awaitingTransportClose
        idleDeadline = nil
        artimDeadline = now.advanced(by: artimTimeout)
        return [.log(why), .send(.abort(abort))]
    }

    private mutating func toIdle(_ actions: [Action]) -> [Action] {
        state = .idle
        artimDeadline = nil
        idleDeadline = nil
        return actions
    }

    /// The A-ABORT reason for a decoding failure (PS3.8 Table 9-26).
    static func abort(for error: UpperLayerError) -> Abort {
        switch error.code {
        case .unknownPDUType: return .unrecognizedPDU
        case .invalidValue: return .invalidPDUParameterValue
        default: return .invalidPDUParameterValue
        }
    }
}
