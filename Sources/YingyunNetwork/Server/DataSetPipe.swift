import Dispatch
import NIOConcurrencyHelpers
import NIOCore

/// Runs a synchronous data set writer (`DataSetTranscoding.write`) on a dispatch thread and hands
/// its chunks to the sub-operation that sends them, at most `depth` chunks ahead: a slow peer
/// makes the writer wait, so a re-encoded instance is never queued whole. One chunk is held back
/// so the caller knows which one is last (its PDV carries the last-fragment bit).
struct DataSetPipe {
    private let control: Control
    private var iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    private var held: ByteBuffer?
    private var started = false

    /// The producer's side: the credit semaphore and the consumer-gone flag.
    final class Control: Sendable {
        let slots: DispatchSemaphore
        private let stopped = NIOLockedValueBox(false)
        init(depth: Int) {
            // Created at 0 and credited after: libdispatch traps when a semaphore is freed below
            // its initial value, which a writer stopped while waiting would leave it.
            slots = DispatchSemaphore(value: 0)
            for _ in 0..<depth { slots.signal() }
        }
        var isStopped: Bool { stopped.withLockedValue { $0 } }
        func stop() {
            let first = stopped.withLockedValue { s in
                defer { s = true }
                return !s
            }
            if first { slots.signal() }  // a producer waiting for credit wakes and sees it
        }
    }

    /// - Parameters:
    ///   - depth: chunks the producer may run ahead.
    ///   - produce: writes the data set to the sink it is given; called once, on a dispatch thread.
    init(depth: Int = 4, produce: @escaping @Sendable (_ sink: (ByteBuffer) throws -> Void) throws -> Void) {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        let control = Control(depth: depth)
        continuation.onTermination = { _ in control.stop() }
        DispatchQueue.global().async {
            do {
                try produce { chunk in
                    control.slots.wait()
                    if control.isStopped { throw CancellationError() }
                    continuation.yield(chunk)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        self.control = control
        self.iterator = stream.makeAsyncIterator()
    }

    private mutating func pull() async throws -> ByteBuffer? {
        let chunk = try await iterator.next()
        if chunk != nil { control.slots.signal() }
        return chunk
    }

    /// The next chunk and whether it is the last; nil after the last. The first call waits for
    /// two chunks (or the end), so a writer that fails early fails before anything was sent.
    /// - Throws: the producer's error.
    mutating func next() async throws -> (chunk: ByteBuffer, isLast: Bool)? {
        if !started {
            started = true
            held = try await pull()
        }
        guard let current = held else { return nil }
        let following = try await pull()
        held = following
        return (current, following == nil)
    }

    /// Stops the producer (the sub-operation ended early).
    func cancel() { control.stop() }
}
