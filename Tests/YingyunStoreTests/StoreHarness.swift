import Foundation
import NIOCore
import Testing
import YingyunStore

/// The stores every behaviour test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case fileGroupFlush, filePerFile, fileNoSync, memory
    var description: String { rawValue }
}

/// A store of one kind plus what the tests need to look behind its protocol.
final class StoreHarness {
    let kind: StoreKind
    let store: any BlobStore
    let root: String?

    init(_ kind: StoreKind) throws {
        self.kind = kind
        switch kind {
        case .memory:
            root = nil
            store = InMemoryBlobStore()
        case .fileGroupFlush, .filePerFile, .fileNoSync:
            let root = try TemporaryDirectory.make()
            self.root = root
            let mode: SyncMode = kind == .fileGroupFlush ? .groupFlush : kind == .filePerFile ? .perFile : .none
            store = try FileBlobStore(root: root, syncMode: mode)
        }
    }

    deinit {
        if let root { try? FileManager.default.removeItem(atPath: root) }
    }

    var totalDeduplicatedBytes: Int {
        if let s = store as? FileBlobStore { return s.totalDeduplicatedBytes }
        return (store as! InMemoryBlobStore).totalDeduplicatedBytes
    }

    /// Objects being written and not yet committed or aborted.
    func stagedCount() throws -> Int {
        if let root { return try FileManager.default.contentsOfDirectory(atPath: root + "/tmp").count }
        return (store as! InMemoryBlobStore).stagedWriterCount
    }

    /// Flips one stored byte behind the store's back.
    func corrupt(_ digest: BlobDigest, at offset: Int) throws {
        guard let root else { return try (store as! InMemoryBlobStore).corrupt(digest, at: offset) }
        let path = TemporaryDirectory.objectPath(root: root, digest)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        let old = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: [~old])
    }

    /// Writes `bytes` in pieces of `piece` bytes and commits.
    func put(_ bytes: [UInt8], piece: Int = 64 * 1024) async throws -> StoredBlob {
        let writer = try store.makeWriter()
        for start in stride(from: 0, to: bytes.count, by: piece) {
            try await writer.write(ByteBuffer(bytes: bytes[start..<min(start + piece, bytes.count)]))
        }
        return try await writer.commit()
    }
}

enum TemporaryDirectory {
    static func make() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/yingyun-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func objectPath(root: String, _ digest: BlobDigest) -> String {
        let hex = Array(digest.hex)
        return root + "/objects/" + String(hex[0..<2]) + "/" + String(hex[2..<4]) + "/" + digest.hex
    }
}

/// Deterministic test bytes (a xorshift stream), distinct per seed.
func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var out = [UInt8]()
    out.reserveCapacity(count)
    while out.count < count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        withUnsafeBytes(of: state) { out.append(contentsOf: $0.prefix(count - out.count)) }
    }
    return out
}
