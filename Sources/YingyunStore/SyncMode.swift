/// How a `FileBlobStore` makes a commit durable before acknowledging it.
public enum SyncMode: Sendable, Hashable {
    /// Group commit: every commit that arrives while one flush runs is renamed into place and
    /// covered by the next single `syncfs` of the store's filesystem. One device flush (~4 ms
    /// here) is shared by the whole batch.
    case groupFlush
    /// Each commit flushes alone: fdatasync of the object, rename, fsync of its directory. Kept
    /// as the measured baseline for group commit.
    case perFile
    /// No flushes: objects survive a process crash but not a power loss. For tests and scratch
    /// stores only.
    case none
}
