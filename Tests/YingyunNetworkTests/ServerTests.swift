import Logging
import NIOCore
import NIOPosix
import Testing
import YingyunDICOM
@testable import YingyunNetwork

/// A real listener on 127.0.0.1 (any free port) with the in-memory store handler, driven by our
/// own requestor and by raw sockets.
@Suite struct ServerTests {
    static let ct = "1.2.840.10008.5.1.4.1.1.2"

    func withServer(
        directory: ApplicationEntityDirectory = ApplicationEntityDirectory(), maximumPDULength: UInt32 = 1 << 16,
        idle: Duration = .seconds(30), artim: Duration = .seconds(5),
        _ body: @Sendable (Int, InMemoryStoreHandler) async throws -> Void
    ) async throws {
        let handler = InMemoryStoreHandler()
        let config = DIMSEServerConfiguration(
            host: "127.0.0.1", port: 0, aeTitle: "YINGYUN", directory: directory, maximumPDULength: maximumPDULength,
            artimTimeout: artim, idleTimeout: idle)
        let server = DIMSEServer(configuration: config, handler: handler, logger: Logger(label: "test"))
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run { continuation.yield($0) } }
            var it = stream.makeAsyncIterator()
            guard let port = await it.next() else { return }
            try await body(port, handler)
            group.cancelAll()
        }
    }

    func request(calling: String = "SCU", called: String = "YINGYUN", max: UInt32 = 4096) -> AssociateRequest {
        AssociateRequest(
            calledAETitle: called, callingAETitle: calling,
            presentationContexts: [
                .init(id: 1, abstractSyntax: SOPClasses.verification, transferSyntaxes: ["1.2.840.10008.1.2"]),
                .init(id: 3, abstractSyntax: Self.ct, transferSyntaxes: ["1.2.840.10008.1.2.1"]),
            ],
            userInformation: UserInformation(maximumLength: max))
    }

    @Test func echoAndStoreOverTCP() async throws {
        try await withServer { port, handler in
            let data = ByteBuffer(bytes: (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let status = try await DIMSEClient.withAssociation(host: "127.0.0.1", port: port, request: request()) { a in
                #expect(try await a.echo() == .success)
                let id = try #require(a.contextID(abstractSyntax: Self.ct))
                let rsp = try await a.store(sopClassUID: Self.ct, sopInstanceUID: "1.2.3.4", contextID: id, source: BufferByteSource(data), range: 0..<data.readableBytes, chunkSize: 10_000)
                return rsp.status
            }
            #expect(status == .success)
            #expect(handler.stored.count == 1)
            #expect(handler.stored.first?.dataSet == data)
            // Our maximum is 64 KiB: the data set arrived in several PDVs.
            #expect((handler.stored.first?.fragments ?? 0) >= 4)
        }
    }

    @Test func unknownCalledAEIsRejected() async throws {
        try await withServer { port, _ in
            await #expect(throws: DIMSEError.self) {
                try await DIMSEClient.withAssociation(host: "127.0.0.1", port: port, request: request(called: "NOTUS")) { _ in }
            }
        }
    }

    /// Sends raw bytes, returns what came back until the server closed (or 5 s passed).
    func raw(_ port: Int, _ bytes: [UInt8], keepOpen: Bool = false) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { ch in
                ch.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: ch) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
            var received: [UInt8] = []
            for try await b in inbound { received += Array(b.readableBytesView) }
            return received
        }
    }

    @Test func garbageIsAbortedAndTheListenerKeepsServing() async throws {
        try await withServer { port, _ in
            let answer = try await raw(port, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            // A-ABORT, service provider, unrecognized PDU.
            #expect(answer == [7, 0, 0, 0, 0, 4, 0, 0, 2, 1])
            let status = try await DIMSEClient.withAssociation(host: "127.0.0.1", port: port, request: request()) { a in try await a.echo() }
            #expect(status == .success)
        }
    }

    @Test func pDataBeforeAssociationIsAborted() async throws {
        try await withServer(artim: .milliseconds(300)) { port, _ in
            let p = PDUEncoder.encode(.pData(PDataTF(values: [PresentationDataValue(presentationContextID: 1, isCommand: true, isLast: true, fragment: ByteBuffer(bytes: [0, 0]))])))
            let answer = try await raw(port, Array(p.readableBytesView))
            #expect(answer == [7, 0, 0, 0, 0, 4, 0, 0, 2, 2])
        }
    }

    @Test func oversizedPDUIsAborted() async throws {
        try await withServer { port, _ in
            let answer = try await raw(port, [4, 0, 0x10, 0, 0, 0, 0, 0])
            #expect(answer == [7, 0, 0, 0, 0, 4, 0, 0, 2, 6])
        }
    }

    @Test func silentPeerIsClosedByARTIM() async throws {
        try await withServer(artim: .milliseconds(300)) { port, _ in
            let start = ContinuousClock.now
            let answer = try await raw(port, [])
            #expect(answer.isEmpty)
            #expect(ContinuousClock.now - start < .seconds(3))
        }
    }

    @Test func silentAssociationIsAbortedByTheIdleTimer() async throws {
        try await withServer(idle: .milliseconds(300), artim: .milliseconds(300)) { port, handler in
            let start = ContinuousClock.now
            await #expect(throws: (any Error).self) {
                try await DIMSEClient.withAssociation(host: "127.0.0.1", port: port, request: request()) { a in
                    let id = try #require(a.contextID(abstractSyntax: Self.ct))
                    // Announce a data set, send one fragment, go silent.
                    let rq = CommandSet.request(.cStoreRQ, messageID: 1, affectedSOPClassUID: Self.ct, affectedSOPInstanceUID: "1.2", hasDataSet: true)
                    try await a.send(a.fragmenter.pdus(rq.encoded(), contextID: id, isCommand: true))
                    try await a.send(a.fragmenter.pdus(ByteBuffer(bytes: [1, 2, 3, 4]), contextID: id, isCommand: false, final: false))
                    _ = try await a.response()
                }
            }
            #expect(ContinuousClock.now - start < .seconds(5))
            try await Task.sleep(for: .milliseconds(500))
            #expect(handler.abortedCount == 1)
            #expect(handler.stored.isEmpty)
        }
    }
}
