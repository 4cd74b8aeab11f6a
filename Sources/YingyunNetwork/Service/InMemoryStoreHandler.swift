public import NIOCore
import NIOConcurrencyHelpers

/// The in-memory twin of a store handler, for tests: keeps each received data set (whole, in
/// memory — tests only) with its request, and answers with a configurable outcome.
public final class InMemoryStoreHandler: StoreHandler, Sendable {
    public struct Stored: Sendable {
        public var request: StoreRequest
        public var dataSet: ByteBuffer
        /// How many fragments arrived (to check that streaming happened in pieces).
        public var fragments: Int
    }

    private let state = NIOLockedValueBox<(stored: [Stored], aborted: Int, opened: Int)>(([], 0, 0))
    private let outcome: @Sendable (StoreRequest) -> StoreOutcome
    private let refuse: (@Sendable (StoreRequest) -> StoreRefusal?)?

    /// - Parameters:
    ///   - outcome: the answer for each finished store (default: success).
    ///   - refuse: when non-nil for a request, `openStore` throws it.
    public init(
        outcome: @escaping @Sendable (StoreRequest) -> StoreOutcome = { _ in .success },
        refuse: (@Sendable (StoreRequest) -> StoreRefusal?)? = nil
    ) {
        self.outcome = outcome
        self.refuse = refuse
    }

    public var stored: [Stored] { state.withLockedValue { $0.stored } }
    public var abortedCount: Int { state.withLockedValue { $0.aborted } }
    public var openedCount: Int { state.withLockedValue { $0.opened } }

    public func openStore(_ request: StoreRequest) async throws -> any StoreSink {
        if let refusal = refuse?(request) { throw refusal }
        state.withLockedValue { $0.opened += 1 }
        return Sink(handler: self, request: request)
    }

    final class Sink: StoreSink, Sendable {
        let handler: InMemoryStoreHandler
        let request: StoreRequest
        let bytes = NIOLockedValueBox<(ByteBuffer, Int)>((ByteBuffer(), 0))

        init(handler: InMemoryStoreHandler, request: StoreRequest) {
            self.handler = handler
            self.request = request
        }

        func write(_ fragment: ByteBuffer) async throws {
            bytes.withLockedValue {
                var f = fragment
                $0.0.writeBuffer(&f)
                $0.1 += 1
            }
        }

        func finish() async -> StoreOutcome {
            let (b, n) = bytes.withLockedValue { $0 }
            let outcome = handler.outcome(request)
            if outcome.status.category != .failure {
                handler.state.withLockedValue { $0.stored.append(Stored(request: request, dataSet: b, fragments: n)) }
            }
            return outcome
        }

        func abort() async {
            handler.state.withLockedValue { $0.aborted += 1 }
        }
    }
}
