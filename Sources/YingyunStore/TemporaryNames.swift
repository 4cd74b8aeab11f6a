#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names of temporaries: `<pid>-<process token>-<store token>-<n>`. From a name a store can tell
/// its own, another live writer's (another store instance or process on this data directory)
/// and the leftovers of a process that is gone, which `cleanTemporaries` may remove.
struct TemporaryNames: Sendable {
    /// Distinguishes this process from an earlier one with the same pid (containers restart as pid 1).
    private static let processToken = String(UInt64.random(in: 1...UInt64.max), radix: 16)

    let prefix: String

    init() {
        prefix = "\(getpid())-\(Self.processToken)-\(String(UInt64.random(in: 1...UInt64.max), radix: 16))-"
    }

    func name(_ n: Int) -> String { prefix + String(n) }

    /// Whether no running writer can own this temporary.
    func isStale(_ name: String) -> Bool {
        if name.hasPrefix(prefix) { return false }
        let parts = name.split(separator: "-", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let pid = Int32(parts[0]), pid > 0 else { return true }
        if pid == getpid() { return parts[1] != Self.processToken }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
