import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing
@testable import YingyunNetwork
import YingyunDICOM

/// Where a C-GET/C-MOVE sub-operation goes: the stored transfer syntax when accepted, else a
/// re-encoding the instance offers, in its order; the contexts proposed to a move destination;
/// the pipe that streams a re-encoded data set.
@Suite struct SubOperationRouteTests {
    static let ct = "1.2.840.10008.5.1.4.1.1.2"
    static let mr = "1.2.840.10008.5.1.4.1.1.4"
    static let jpegLossless = "1.2.840.10008.1.2.4.70"
    static let explicitLE = "1.2.840.10008.1.2.1"
    static let implicitLE = "1.2.840.10008.1.2"

    func instance(_ sopClass: String = ct, stored: String, transcodesTo: [String]?) -> RetrievableInstance {
        RetrievableInstance(
            sopClassUID: sopClass, sopInstanceUID: "1.2.3", transferSyntaxUID: stored,
            transcoding: transcodesTo.map { DataSetTranscoding(transferSyntaxUIDs: $0) { _, _ in } }
        ) { throw DIMSEError(.connectionClosed, "not opened in this test") }
    }

    func context(_ id: UInt8, _ syntax: String, _ sopClass: String = ct) -> AcceptedPresentationContext {
        AcceptedPresentationContext(id: id, abstractSyntax: sopClass, transferSyntax: syntax)
    }

    @Test func storedSyntaxAcceptedGoesUnchanged() {
        let i = instance(stored: Self.jpegLossless, transcodesTo: [Self.explicitLE, Self.implicitLE])
        let route = i.route(among: [context(1, Self.explicitLE), context(3, Self.jpegLossless)])
        #expect(route == SubOperationRoute(contextID: 3, transcodeTo: nil))
    }

    @Test func otherwiseTheInstancesPreferenceAmongAcceptedSyntaxes() {
        let i = instance(stored: Self.jpegLossless, transcodesTo: [Self.explicitLE, Self.implicitLE])
        #expect(i.route(among: [context(1, Self.implicitLE), context(3, Self.explicitLE)]) == SubOperationRoute(contextID: 3, transcodeTo: Self.explicitLE))
        #expect(i.route(among: [context(1, Self.implicitLE)]) == SubOperationRoute(contextID: 1, transcodeTo: Self.implicitLE))
    }

    @Test func noRouteWithoutTranscodingOrForAnotherSOPClass() {
        #expect(instance(stored: Self.jpegLossless, transcodesTo: nil).route(among: [context(1, Self.explicitLE)]) == nil)
        let i = instance(stored: Self.jpegLossless, transcodesTo: [Self.explicitLE])
        #expect(i.route(among: [context(1, Self.explicitLE, Self.mr), context(3, Self.jpegLossless, Self.mr)]) == nil)
    }

    @Test func moveProposesStoredSyntaxesThenOneFallbackPerSOPClass() {
        let contexts = AssociationHandler.Session.moveContexts(for: [
            instance(stored: Self.jpegLossless, transcodesTo: [Self.explicitLE, Self.implicitLE]),
            instance(stored: Self.explicitLE, transcodesTo: [Self.implicitLE]),
            instance(Self.mr, stored: Self.explicitLE, transcodesTo: nil),
        ])
        #expect(contexts.map(\.id) == [1, 3, 5, 7])
        #expect(contexts.map(\.abstractSyntax) == [Self.ct, Self.ct, Self.mr, Self.ct])
        #expect(contexts.map(\.transferSyntaxes) == [[Self.jpegLossless], [Self.explicitLE], [Self.explicitLE], [Self.explicitLE, Self.implicitLE]])
    }

    @Test func cGetReceiverContextTakesLittleEndianOverACompressedFirstChoice() {
        let pc = ProposedPresentationContext(id: 5, abstractSyntax: Self.ct, transferSyntaxes: [Self.jpegLossless, Self.explicitLE, Self.implicitLE])
        let receiver = AssociationNegotiator.negotiate(pc, permissions: [.retrieve], servesRetrieve: true, peerTakesSCPRole: true, peerOnlyReceives: true)
        #expect(receiver.result == .acceptance && receiver.transferSyntax == Self.explicitLE)
        // A storing peer (SCU role) keeps its first choice.
        let storer = AssociationNegotiator.negotiate(pc, permissions: [.store])
        #expect(storer.result == .acceptance && storer.transferSyntax == Self.jpegLossless)
        let compressedOnly = ProposedPresentationContext(id: 7, abstractSyntax: Self.ct, transferSyntaxes: [Self.jpegLossless])
        #expect(AssociationNegotiator.negotiate(compressedOnly, permissions: [.retrieve], servesRetrieve: true, peerTakesSCPRole: true, peerOnlyReceives: true)
            .transferSyntax == Self.jpegLossless)
    }

    @Test func pipeStreamsEveryChunkInOrderAndMarksTheLast() async throws {
        var pipe = DataSetPipe(depth: 2) { sink in
            for i in 0..<10 { try sink(ByteBuffer(bytes: [UInt8(i), UInt8(i)])) }
        }
        var got: [UInt8] = []
        var lastFlags: [Bool] = []
        while let (chunk, isLast) = try await pipe.next() {
            got += chunk.readableBytesView
            lastFlags.append(isLast)
        }
        #expect(got == (0..<10).flatMap { [UInt8($0), UInt8($0)] })
        #expect(lastFlags == Array(repeating: false, count: 9) + [true])
    }

    @Test func pipeReportsAnEarlyWriterErrorOnTheFirstChunk() async {
        var pipe = DataSetPipe { sink in
            try sink(ByteBuffer(bytes: [1]))
            throw DIMSEError(.connectionClosed, "decode failed")
        }
        await #expect(throws: DIMSEError.self) { _ = try await pipe.next() }
    }

    @Test func cancelledPipeStopsItsWriter() async throws {
        let produced = LockedCounter()
        var pipe = DataSetPipe(depth: 1) { sink in
            for _ in 0..<1000 {
                try sink(ByteBuffer(bytes: [0]))
                produced.increment()
            }
        }
        _ = try await pipe.next()
        pipe.cancel()
        try await Task.sleep(for: .milliseconds(100))
        #expect(produced.value < 10)
    }

    /// Each object is prefetched once, `readAhead` sub-operations before it is sent (all of the
    /// first few at the start), and never past the end.
    @Test func prefetchRunsAheadOncePerObject() {
        let log = NIOLockedValueBox<[(before: Int, object: Int)]>([])
        let current = NIOLockedValueBox(0)
        let instances = (0..<10).map { k in
            RetrievableInstance(
                sopClassUID: Self.ct, sopInstanceUID: "1.2.\(k)", transferSyntaxUID: Self.explicitLE,
                prefetch: { log.withLockedValue { $0.append((current.withLockedValue { $0 }, k)) } }
            ) { throw DIMSEError(.connectionClosed, "not opened in this test") }
        }
        for i in instances.indices {
            current.withLockedValue { $0 = i }
            RetrievableInstance.prefetch(instances, before: i)
        }
        let calls = log.withLockedValue { $0 }
        #expect(calls.map(\.object) == Array(0..<10))
        for call in calls {
            #expect(call.before == max(0, call.object - RetrievableInstance.readAhead))
        }
    }
}

/// A counter the writer thread bumps.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
