import NIOCore

/// Lets a connection read up to 1 MiB per socket read instead of NIO's default 64 KiB: a
/// STOW-RS upload then costs a sixteenth of the reads and of the hops from the event loop to
/// the request task (they dominated a whole-study upload's profile). Passes everything through.
final class LargeReadsHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func handlerAdded(context: ChannelHandlerContext) {
        let allocator = AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 64 * 1024, maximum: 1 << 20)
        try? context.channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: allocator)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }
}
