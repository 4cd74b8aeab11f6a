public import NIOCore

/// What the PDU frame decoder passes on: a PDU, or the one error that ends the stream.
public enum InboundPDU: Sendable, Equatable {
    case pdu(PDU)
    /// Bytes that are no valid PDU (PS3.8 Evt19). Nothing follows.
    case invalid(UpperLayerError)
}

/// Frames the byte stream into PDUs. After an invalid PDU it emits `.invalid` once and drops
/// every later byte: the association is aborted and there is no resynchronising a TCP stream.
public struct PDUFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = InboundPDU
    let decoder: PDUDecoder
    private var failed = false

    public init(decoder: PDUDecoder) { self.decoder = decoder }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if failed {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        do {
            guard let pdu = try decoder.decode(from: &buffer) else { return .needMoreData }
            context.fireChannelRead(wrapInboundOut(.pdu(pdu)))
            return .continue
        } catch {
            failed = true
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.invalid(error)))
            return .needMoreData
        }
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A partial PDU at EOF is dropped: the peer closed mid-PDU; the association handler
        // sees the connection close.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

/// Encodes outgoing PDUs.
public struct PDUFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = PDU
    public init() {}
    public func encode(data: PDU, out: inout ByteBuffer) throws {
        PDUEncoder.encode(data, into: &out)
    }
}
