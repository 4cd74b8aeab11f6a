import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One thread at the lowest CPU priority (nice 19) that runs submitted work in order: background
/// rendering then only uses CPU that ingest and retrieval leave idle, instead of competing with
/// them on the shared cooperative threads.
final class IdleThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []

    init(name: String) {
        let thread = Thread { [self] in
            #if os(Linux)
            // Linux keeps the nice value per thread, and `who` 0 is the calling thread: this one only.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            #endif
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }
        thread.name = name
        thread.start()
    }

    /// Queues `work` on the idle thread without waiting for it.
    func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(work)
        condition.signal()
        condition.unlock()
    }

    /// Runs `work` on the idle thread and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            jobs.append { continuation.resume(with: Result { try work() }) }
            condition.signal()
            condition.unlock()
        }
    }
}
