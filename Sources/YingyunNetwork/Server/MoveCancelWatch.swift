import NIOConcurrencyHelpers
import NIOCore

/// Reads the requesting association while a C-MOVE's sub-operations go out on another one, so a
/// C-CANCEL-RQ is noticed between sub-operations (PS3.4 C.4.3.3, PS3.7 §9.3.4.3) without the
/// sub-operation stream ever waiting for the requestor.
///
/// `run()` owns the association's inbound iterator until something other than a C-CANCEL-RQ
/// arrives: normally the requestor's next message after our final response (A-RELEASE-RQ or a
/// new request). Everything read is kept in `items`, in order, for the association to handle
/// afterwards. The watch is never cancelled while reading: cancelling a pending read of an
/// `NIOAsyncChannel` would end its inbound stream.
final class MoveCancelWatch: @unchecked Sendable {
    // @unchecked: `iterator` is used by `run()` only, and the session does not touch its own copy
    // until `run()` has returned (a hand-over, never concurrent use); the rest is behind `lock`.
    private var iterator: NIOAsyncChannelInboundStream<InboundPDU>.AsyncIterator
    private let moveMessageID: UInt16
    private let lock = NIOLock()
    private var _cancelRequested = false
    private var _peerGone = false
    private var _items: [InboundPDU] = []

    init(_ iterator: NIOAsyncChannelInboundStream<InboundPDU>.AsyncIterator, moveMessageID: UInt16) {
        self.iterator = iterator
        self.moveMessageID = moveMessageID
    }

    /// A C-CANCEL-RQ for the C-MOVE arrived.
    var cancelRequested: Bool { lock.withLock { _cancelRequested } }
    /// The requestor aborted or the connection ended: no response can reach it.
    var peerGone: Bool { lock.withLock { _peerGone } }
    /// What was read, for the association to handle once the C-MOVE is over.
    var items: [InboundPDU] { lock.withLock { _items } }

    /// Reads until something other than a C-CANCEL-RQ arrives or the connection ends.
    func run() async {
        var command = ByteBuffer()
        while true {
            let item: InboundPDU?
            do {
                item = try await iterator.next()
            } catch {
                lock.withLock { _peerGone = true }
                return
            }
            guard let item else {
                lock.withLock { _peerGone = true }
                return
            }
            lock.withLock { _items.append(item) }
            switch item {
            case .pdu(.pData(let p)) where p.values.allSatisfy(\.isCommand):
                for pdv in p.values {
                    var f = pdv.fragment
                    command.writeBuffer(&f)
                    guard pdv.isLast else { continue }
                    let decoded = try? CommandSet.decode(command)
                    command.clear()
                    guard decoded?.commandField == .cCancelRQ else { return }
                    if decoded?.messageIDBeingRespondedTo == moveMessageID {
                        lock.withLock { _cancelRequested = true }
                    }
                }
                if command.readableBytes > DIMSEMessageReceiver.maximumCommandLength { return }
            case .pdu(.abort):
                lock.withLock { _peerGone = true }
                return
            default:
                return
            }
        }
    }
}
