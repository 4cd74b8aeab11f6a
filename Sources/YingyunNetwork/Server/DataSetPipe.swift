import NIOCore
import YingyunDICOM

/// A data set writer (`DataSetTranscoding.write`) feeding the sub-operation that sends its chunks,
/// through a `SinkPipe` (a slow peer makes the writer wait, so a re-encoded instance is never
/// queued whole). One chunk is held back so the caller knows which one is last (its PDV carries
/// the last-fragment bit).
struct DataSetPipe {
    private let pipe: SinkPipe
    private var held: ByteBuffer?
    private var started = false

    /// - Parameters:
    ///   - depth: chunks the producer may run ahead.
    ///   - produce: writes the data set to the sink it is given; called once, on a dispatch thread.
    init(depth: Int = 4, produce: @escaping @Sendable (_ sink: (ByteBuffer) throws -> Void) throws -> Void) {
        pipe = SinkPipe(depth: depth, produce: produce)
    }

    /// The next chunk and whether it is the last; nil after the last. The first call waits for
    /// two chunks (or the end), so a writer that fails early fails before anything was sent.
    /// - Throws: the producer's error.
    mutating func next() async throws -> (chunk: ByteBuffer, isLast: Bool)? {
        if !started {
            started = true
            held = try await pipe.next()
        }
        guard let current = held else { return nil }
        let following = try await pipe.next()
        held = following
        return (current, following == nil)
    }

    /// Stops the producer (the sub-operation ended early).
    func cancel() { pipe.cancel() }
}
