import Dispatch
import Foundation
public import NIOCore

/// Runs a synchronous writer that emits chunks to a sink (the data set writer, the transcoder,
/// a volume's slices) on a dispatch thread, and hands the chunks to one async consumer, at most
/// `depth` ahead: a slow reader makes the writer wait, so nothing is queued whole. When the
/// consumer stops (`cancel`, or the pipe dropped), a writer waiting for room wakes and ends with
/// CancellationError.
public final class SinkPipe: @unchecked Sendable {
    // @unchecked: `iterator` is used by the one consumer only; the producer side is `Control`.
    private let control: Control
    private var iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator

    /// The producer's side: the credit semaphore and the consumer-gone flag.
    private final class Control: Sendable {
        let slots: DispatchSemaphore
        private let lock = NSLock()
        nonisolated(unsafe) private var stopped = false

        init(depth: Int) {
            // Made at 0 and credited after: libdispatch traps when a semaphore is freed below its
            // initial value, which a writer stopped while waiting for room would leave it (a client
            // hanging up mid-answer crashed the server that way).
            slots = DispatchSemaphore(value: 0)
            for _ in 0..<depth { slots.signal() }
        }

        var isStopped: Bool { lock.withLock { stopped } }

        func stop() {
            let first = lock.withLock {
                defer { stopped = true }
                return !stopped
            }
            if first { slots.signal() }  // a producer waiting for room wakes and sees it
        }
    }

    /// - Parameters:
    ///   - depth: chunks the producer may run ahead of the consumer.
    ///   - produce: writes everything to the sink it is given; called once, on a dispatch thread.
    public init(depth: Int = 4, produce: @escaping @Sendable (_ sink: (ByteBuffer) throws -> Void) throws -> Void) {
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

    deinit { control.stop() }

    /// The next chunk; nil after the last. - Throws: the producer's error.
    public func next() async throws -> ByteBuffer? {
        let chunk = try await iterator.next()
        if chunk != nil { control.slots.signal() }
        return chunk
    }

    /// Passes every chunk to `body`, in order; stops the producer if `body` throws.
    public func forEach(_ body: (ByteBuffer) async throws -> Void) async throws {
        do {
            while let chunk = try await next() { try await body(chunk) }
        } catch {
            cancel()
            throw error
        }
    }

    /// Stops the producer (the consumer ended early).
    public func cancel() { control.stop() }
}
