public import Hummingbird
public import NIOCore

/// Per-request context: Hummingbird's core storage plus the peer address (recorded as the
/// instance source and, later, in the audit trail).
public struct DICOMwebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// "HTTP:<address>" for the catalog's source column.
    var sourceLabel: String {
        "HTTP:" + (remoteAddress?.ipAddress ?? "unknown")
    }
}
