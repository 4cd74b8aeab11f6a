public import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The DICOM listener: accepts TCP connections (TCP_NODELAY on each: DIMSE is request/response
/// and Nagle costs ~40 ms per message) and serves each as an association, concurrently.
public struct DIMSEServer: Sendable {
    public let configuration: DIMSEServerConfiguration
    let handler: any StoreHandler
    let queryHandler: (any QueryHandler)?
    let retrieveHandler: (any RetrieveHandler)?
    /// Answers storage commitment; nil = Storage Commitment Push Model not offered.
    public var commitmentHandler: (any CommitmentHandler)? = nil
    let logger: Logger

    /// - Parameters:
    ///   - handler: where C-STORE data sets go.
    ///   - queryHandler: answers C-FIND; nil = query models not offered.
    ///   - retrieveHandler: finds the instances of C-GET/C-MOVE; nil = retrieve models not offered.
    public init(
        configuration: DIMSEServerConfiguration, handler: any StoreHandler, queryHandler: (any QueryHandler)? = nil,
        retrieveHandler: (any RetrieveHandler)? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.handler = handler
        self.queryHandler = queryHandler
        self.retrieveHandler = retrieveHandler
        self.logger = logger
    }

    /// Binds and serves until the task is cancelled.
    /// - Parameter onBound: called with the bound port once listening.
    /// - Throws: bind errors.
    public func run(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
        let decoder = PDUDecoder(maximumPDataLength: Int(configuration.maximumPDULength))
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64 * 1024, initial: 256 * 1024, maximum: 1 << 20))
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(QuickAckHandler())
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(PDUFrameDecoder(decoder: decoder)))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(PDUFrameEncoder()))
                    return try NIOAsyncChannel<InboundPDU, PDU>(wrappingChannelSynchronously: channel)
                }
            }
        onBound(server.channel.localAddress?.port ?? configuration.port)
        logger.notice("DICOM listener ready", metadata: [
            "dimse.ae_title": "\(configuration.aeTitle)", "dimse.port": "\(server.channel.localAddress?.port ?? 0)",
        ])
        let active = NIOLockedValueBox(0)
        try await withTaskCancellationHandler {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        let count = active.withLockedValue { $0 += 1; return $0 }
                        var association = AssociationHandler(
                            configuration: configuration, handler: handler, queryHandler: queryHandler, retrieveHandler: retrieveHandler,
                            logger: logger, overLimit: count > configuration.maximumAssociations)
                        association.commitmentHandler = commitmentHandler
                        group.addTask {
                            await association.run(connection)
                            active.withLockedValue { $0 -= 1 }
                        }
                    }
                }
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
    }
}
