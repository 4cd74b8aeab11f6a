import NIOCore
import YingyunDICOM

/// The data set of one C-STORE sub-operation, read chunk by chunk: the stored bytes unchanged,
/// or the instance re-encoded by its `DataSetTranscoding` on a thread of its own.
struct SubOperationPayload {
    private enum Bytes {
        case stored(source: any ByteSource, range: Range<Int>, offset: Int)
        case encoded(DataSetPipe, first: (chunk: ByteBuffer, isLast: Bool)?)
    }

    private var bytes: Bytes

    /// Opens the instance for `route`. Everything that can fail before the first byte is sent
    /// fails here (unreadable object, pixel data that does not decode), so the caller can count
    /// a failed sub-operation without having started one.
    /// - Throws: errors of `open` or of the transcoding writer; `DIMSEError` for an empty result.
    static func open(_ instance: RetrievableInstance, route: SubOperationRoute) async throws -> SubOperationPayload {
        guard let target = route.transcodeTo else {
            let opened = try instance.open()
            return SubOperationPayload(bytes: .stored(source: opened.source, range: opened.dataSet, offset: opened.dataSet.lowerBound))
        }
        guard let transcoding = instance.transcoding else {
            throw DIMSEError(.noAcceptedContext, "no transcoding for \(instance.transferSyntaxUID)")
        }
        var pipe = DataSetPipe { sink in try transcoding.write(target, sink) }
        do {
            guard let first = try await pipe.next() else {
                throw DIMSEError(.noAcceptedContext, "transcoding produced no data set")
            }
            return SubOperationPayload(bytes: .encoded(pipe, first: first))
        } catch {
            pipe.cancel()
            throw error
        }
    }

    /// The next chunk (for stored bytes: `step` bytes) and whether it is the last; nil after it.
    /// - Throws: read errors; a stored object shorter than its range.
    mutating func next(step: Int) async throws -> (chunk: ByteBuffer, isLast: Bool)? {
        switch bytes {
        case .stored(let source, let range, let offset):
            guard offset < range.upperBound || (offset == range.lowerBound && range.isEmpty) else { return nil }
            let n = min(step, range.upperBound - offset)
            let chunk = try source.bytes(at: offset, count: n)
            guard chunk.readableBytes == n else { throw DIMSEError(.connectionClosed, "stored object shorter than its catalog row") }
            // An empty range still sends one (empty, last) fragment.
            bytes = .stored(source: source, range: range, offset: n == 0 ? range.upperBound + 1 : offset + n)
            return (chunk, offset + n >= range.upperBound)
        case .encoded(var pipe, let first):
            if let first {
                bytes = .encoded(pipe, first: nil)
                return first
            }
            let next = try await pipe.next()
            bytes = .encoded(pipe, first: nil)
            return next
        }
    }

    /// Stops a transcoding writer that is still running (the sub-operation ended early).
    func cancel() {
        if case .encoded(let pipe, _) = bytes { pipe.cancel() }
    }
}
