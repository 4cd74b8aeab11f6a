#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Acknowledges received bytes at once (Linux TCP_QUICKACK, re-armed after every read: the kernel
/// drops back to delayed ACKs on its own). A requestor with Nagle on — dcmtk unless TCP_NODELAY is
/// set in its environment — writes a C-FIND-RQ's command and identifier as two PDUs and holds the
/// second until the first is acknowledged, while we, with nothing to answer yet, would delay that
/// ACK by ~40 ms: measured, 52.8 ms per C-FIND of 100 studies instead of ~7.
final class QuickAckHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelReadComplete(context: ChannelHandlerContext) {
        #if os(Linux)
        _ = try? context.channel.syncOptions?.setOption(
            ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: CInt(TCP_QUICKACK))), value: 1)
        #endif
        context.fireChannelReadComplete()
    }
}
