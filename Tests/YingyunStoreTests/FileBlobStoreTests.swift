import Foundation
import NIOCore
import Testing
import YingyunStore

/// What only the file store has: its layout on disk and its temporaries.
@Suite struct FileBlobStoreTests {
    @Test func objectsLiveUnderTwoLevelsOfDigestPrefix() async throws {
        let h = try StoreHarness(.fileGroupFlush)
        let root = try #require(h.root)
        let stored = try await h.put(Array("abc".utf8))
        let path = root + "/objects/ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try FileBlobStore(root: root).contains(stored.digest))
    }

    @Test func startupRemovesStaleTemporariesButNotLiveOnes() async throws {
        let h = try StoreHarness(.fileGroupFlush)
        let root = try #require(h.root)
        // A dead process's (pid above any pid_max), an earlier process's with our pid, a stray file.
        let stale = ["999999999-abc-def-0", "\(ProcessInfo.processInfo.processIdentifier)-0-0-7", "partial"]
        for name in stale {
            #expect(FileManager.default.createFile(atPath: root + "/tmp/" + name, contents: Data([1, 2, 3])))
        }
        let store = try FileBlobStore(root: root)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").isEmpty)

        let writer = try store.makeWriter()
        try await writer.write(ByteBuffer(string: "in progress"))
        // Another store instance on the same directory keeps the first one's writer alive.
        let other = try FileBlobStore(root: root)
        #expect(FileManager.default.createFile(atPath: root + "/tmp/left-behind", contents: Data()))
        #expect(try other.cleanTemporaries() == 1)
        #expect(try store.cleanTemporaries() == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").count == 1)
        let stored = try await writer.commit()
        #expect(try other.rehash(stored.digest))
    }

    @Test func createsMissingParentDirectories() throws {
        let h = try StoreHarness(.fileNoSync)
        let root = try #require(h.root) + "/a/b/data"
        _ = try FileBlobStore(root: root + "/")
        #expect(FileManager.default.fileExists(atPath: root + "/objects"))
        #expect(FileManager.default.fileExists(atPath: root + "/tmp"))
    }

    @Test func objectsOnDiskBeforeOpeningAreFoundAndDeduplicated() async throws {
        let h = try StoreHarness(.fileGroupFlush)
        let root = try #require(h.root)
        let first = try await h.put(testBytes(count: 10_000, seed: 40))
        let reopened = try FileBlobStore(root: root)
        #expect(try reopened.allDigests() == [first.digest])
        let writer = try reopened.makeWriter()
        try await writer.write(ByteBuffer(bytes: testBytes(count: 10_000, seed: 40)))
        #expect(try await writer.commit().deduplicated)
        #expect(reopened.totalDeduplicatedBytes == 10_000)
        // An already-flushed object needs no flush of its own.
        #expect(reopened.flushCount == 0)
    }

    @Test func strayFilesUnderObjectsAreNotDigests() async throws {
        let h = try StoreHarness(.fileNoSync)
        let root = try #require(h.root)
        let stored = try await h.put(Array("abc".utf8))
        // Misplaced (wrong directory) and non-digest names are ignored.
        let other = String(repeating: "0", count: 64)
        #expect(FileManager.default.createFile(atPath: root + "/objects/ba/78/" + other, contents: Data()))
        #expect(FileManager.default.createFile(atPath: root + "/objects/ba/78/notes.txt", contents: Data()))
        #expect(try h.store.allDigests() == [stored.digest])
    }
}

/// A crash between rename and flush can leave an object under its name with its data lost
/// (typically zero length). Such an object was never acknowledged; new bytes must replace it.
@Suite struct TornObjectTests {
    @Test(arguments: [StoreKind.fileGroupFlush, .filePerFile, .fileNoSync])
    func commitReplacesATornObjectInsteadOfDeduplicating(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let root = try #require(h.root)
        let bytes = testBytes(count: 70_000, seed: 50)
        let digest = SHA256Hasher.digest(of: ByteBuffer(bytes: bytes))
        let path = TemporaryDirectory.objectPath(root: root, digest)
        try FileManager.default.createDirectory(
            atPath: String(path[..<path.lastIndex(of: "/")!]), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(try !h.store.rehash(digest))

        let stored = try await h.put(bytes)
        #expect(!stored.deduplicated)
        #expect(try h.store.rehash(digest))
        #expect(h.totalDeduplicatedBytes == 0)
    }
}

/// The in-memory twin's failure switch, for the archive's failure-path tests.
@Suite struct InMemoryFailureTests {
    @Test func injectedCommitFailureStoresNothing() async throws {
        let store = InMemoryBlobStore()
        store.failCommits(with: .io(operation: "write", path: "memory", errno: 28))
        let writer = try store.makeWriter()
        try await writer.write(ByteBuffer(string: "abc"))
        await #expect(throws: BlobStoreError.io(operation: "write", path: "memory", errno: 28)) { _ = try await writer.commit() }
        #expect(try store.allDigests().isEmpty)
        #expect(store.stagedWriterCount == 0)
        store.failCommits(with: nil)
        let again = try store.makeWriter()
        try await again.write(ByteBuffer(string: "abc"))
        #expect(try await !again.commit().deduplicated)
    }

    @Test func objectPathIsTheLayoutPath() throws {
        let h = try StoreHarness(.fileNoSync)
        let store = try #require(h.store as? FileBlobStore)
        let digest = SHA256Hasher.digest(of: ByteBuffer(string: "abc"))
        #expect(store.objectPath(for: digest) == TemporaryDirectory.objectPath(root: try #require(h.root), digest))
    }
}
