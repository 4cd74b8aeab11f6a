import Dispatch
import Foundation
import NIOCore

/// Runs a synchronous producer (the DICOM writer, which calls a sink) on a dispatch thread and
/// hands its chunks to async code, at most `depth` chunks ahead: when the client reads slowly the
/// producer waits, so a transcoded object is never held whole in memory. If the consumer stops
/// (client gone), the producer is woken and ends with CancellationError.
final class ChunkPipe: @unchecked Sendable {
    private let stream: AsyncThrowingStream<ByteBuffer, any Error>
    private let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var cancelled = false

    init(depth: Int = 4, produce: @escaping @Sendable (_ sink: (ByteBuffer) throws -> Void) throws -> Void) {
        (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        // Created at 0 and then given its slots: libdispatch traps when a semaphore is freed
        // below its initial value, which a producer stopped mid-transfer (client gone) leaves.
        slots = DispatchSemaphore(value: 0)
        for _ in 0..<depth { slots.signal() }
        continuation.onTermination = { [weak self] _ in self?.cancel() }
        DispatchQueue.global().async { [self] in
            do {
                try produce { chunk in
                    self.slots.wait()
                    if self.isCancelled { throw CancellationError() }
                    self.continuation.yield(chunk)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    /// Passes every chunk to `body`, in order; rethrows the producer's error.
    func forEach(_ body: (ByteBuffer) async throws -> Void) async throws {
        do {
            for try await chunk in stream {
                slots.signal()
                try await body(chunk)
            }
        } catch {
            cancel()
            throw error
        }
    }

    func cancel() {
        let first = lock.withLock {
            defer { cancelled = true }
            return !cancelled
        }
        if first { slots.signal() }  // a producer blocked on a full pipe wakes and sees it
    }
}
