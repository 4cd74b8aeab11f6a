public import Hummingbird
public import NIOCore

/// Per-request context: Hummingbird's core storage, the peer address (recorded as the
/// instance source and, later, in the audit trail) and the connection's event loop.
public struct DICOMwebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The connection's event loop, which response writers pace themselves against.
    public let eventLoop: any EventLoop

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.eventLoop = source.channel.eventLoop
    }

    /// "HTTP:<address>" for the catalog's source column.
    var sourceLabel: String {
        "HTTP:" + (remoteAddress?.ipAddress ?? "unknown")
    }
}
