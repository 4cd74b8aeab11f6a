import NIOCore
import Testing
import YingyunStore

/// What every `BlobStore` must do, run against the file store in each sync mode and the
/// in-memory twin.
@Suite struct BlobStoreBehaviourTests {
    @Test(arguments: StoreKind.allCases)
    func commitThenReadRanges(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let bytes = testBytes(count: 300_001, seed: 1)
        let stored = try await h.put(bytes, piece: 70_000)
        #expect(stored.digest == SHA256Hasher.digest(of: ByteBuffer(bytes: bytes)))
        #expect(stored.size == bytes.count)
        #expect(!stored.deduplicated)
        #expect(try h.store.contains(stored.digest))

        let reader = try h.store.reader(for: stored.digest)
        #expect(reader.size == bytes.count)
        #expect(Array(try reader.read(at: 0, count: 10).readableBytesView) == Array(bytes[0..<10]))
        #expect(Array(try reader.read(at: 123_456, count: 100_000).readableBytesView) == Array(bytes[123_456..<223_456]))
        // Fewer only at the end; nothing past it.
        #expect(Array(try reader.read(at: bytes.count - 5, count: 100).readableBytesView) == Array(bytes[(bytes.count - 5)...]))
        #expect(try reader.read(at: bytes.count, count: 100).readableBytes == 0)
        #expect(try reader.read(at: bytes.count + 10, count: 100).readableBytes == 0)
        #expect(try h.stagedCount() == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func emptyObject(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let stored = try await h.put([])
        #expect(stored.digest.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(stored.size == 0)
        #expect(try h.store.reader(for: stored.digest).size == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func sameBytesTwiceAreStoredOnce(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let bytes = testBytes(count: 200_000, seed: 2)
        let first = try await h.put(bytes)
        let second = try await h.put(bytes, piece: 9_999)
        #expect(!first.deduplicated)
        #expect(second.deduplicated)
        #expect(second.digest == first.digest && second.size == first.size)
        #expect(try h.store.allDigests() == [first.digest])
        #expect(h.totalDeduplicatedBytes == bytes.count)
        #expect(try h.stagedCount() == 0)
        #expect(try h.store.rehash(first.digest))
    }

    @Test(arguments: StoreKind.allCases)
    func abortLeavesNothing(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let writer = try h.store.makeWriter()
        try await writer.write(ByteBuffer(bytes: testBytes(count: 50_000, seed: 3)))
        #expect(try h.stagedCount() == 1)
        writer.abort()
        writer.abort()
        #expect(try h.stagedCount() == 0)
        await #expect(throws: BlobStoreError.writerClosed) { try await writer.write(ByteBuffer(string: "more")) }
        await #expect(throws: BlobStoreError.writerClosed) { _ = try await writer.commit() }
        #expect(throws: BlobStoreError.writerClosed) { _ = try writer.readStaged(at: 0, count: 1) }
        #expect(try h.store.allDigests().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func droppedWriterLeavesNothing(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        do {
            let writer = try h.store.makeWriter()
            try await writer.write(ByteBuffer(string: "never committed"))
        }
        #expect(try h.stagedCount() == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func readStagedBeforeCommit(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let bytes = testBytes(count: 100_000, seed: 4)
        let writer = try h.store.makeWriter()
        try await writer.write(ByteBuffer(bytes: bytes[0..<60_000]))
        #expect(writer.bytesWritten == 60_000)
        #expect(Array(try writer.readStaged(at: 132, count: 128).readableBytesView) == Array(bytes[132..<260]))
        // Only what was written so far.
        #expect(try writer.readStaged(at: 59_990, count: 100).readableBytes == 10)
        try await writer.write(ByteBuffer(bytes: bytes[60_000...]))
        #expect(Array(try writer.readStaged(at: 59_990, count: 100).readableBytesView) == Array(bytes[59_990..<60_090]))
        #expect(try !h.store.contains(SHA256Hasher.digest(of: ByteBuffer(bytes: bytes))))
        let stored = try await writer.commit()
        #expect(stored.size == bytes.count)
        #expect(throws: BlobStoreError.writerClosed) { _ = try writer.readStaged(at: 0, count: 1) }
        await #expect(throws: BlobStoreError.writerClosed) { _ = try await writer.commit() }
    }

    /// Sizes around block and page boundaries and the file writer's 256 KiB writeback stretch,
    /// written in odd pieces; staged reads of every region before commit, and no stray bytes after.
    @Test(arguments: StoreKind.allCases)
    func sizesAroundBlockBoundaries(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let sizes = [1, 4095, 4096, 4097, (256 << 10) - 1, 256 << 10, (256 << 10) + 1, (1 << 20) + 1, (3 << 20) + 12_345]
        for (n, size) in sizes.enumerated() {
            let bytes = testBytes(count: size, seed: 100 + UInt64(n))
            let writer = try h.store.makeWriter()
            var start = 0
            var piece = 7_777
            while start < size {
                let end = min(size, start + piece)
                try await writer.write(ByteBuffer(bytes: bytes[start..<end]))
                start = end
                piece = piece == 7_777 ? (1 << 20) + 3 : 7_777
            }
            for (offset, count) in [(0, size), (size / 3, size / 2 + 1), (65_530, 20), ((1 << 20) - 10, 30),
                                    (size - 1, 5), (4090, (2 << 20) + 11)] where offset < size && offset >= 0 {
                let got = try writer.readStaged(at: offset, count: count)
                #expect(Array(got.readableBytesView) == Array(bytes[offset..<min(size, offset + count)]), "size \(size) at \(offset)")
            }
            let stored = try await writer.commit()
            #expect(stored.size == size)
            #expect(stored.digest == SHA256Hasher.digest(of: ByteBuffer(bytes: bytes)))
            let reader = try h.store.reader(for: stored.digest)
            #expect(reader.size == size, "no padding left on the stored object")
            #expect(Array(try reader.read(at: 0, count: size).readableBytesView) == bytes, "size \(size)")
        }
        #expect(try h.stagedCount() == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func twoHundredConcurrentCommits(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let store = h.store
        let stored = try await withThrowingTaskGroup(of: StoredBlob.self) { group in
            for i in 0..<200 {
                group.addTask {
                    let writer = try store.makeWriter()
                    try await writer.write(ByteBuffer(bytes: testBytes(count: 4096 + i, seed: UInt64(1000 + i))))
                    return try await writer.commit()
                }
            }
            return try await group.reduce(into: [StoredBlob]()) { $0.append($1) }
        }
        #expect(stored.count == 200)
        #expect(stored.allSatisfy { !$0.deduplicated })
        #expect(Set(try store.allDigests()) == Set(stored.map(\.digest)))
        for blob in stored { #expect(try store.contains(blob.digest)) }
        #expect(try h.stagedCount() == 0)
        if let file = store as? FileBlobStore, file.syncMode == .groupFlush {
            // Concurrent commits shared flushes.
            #expect(file.flushCount < 200)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentIdenticalCommitsStoreOnce(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let store = h.store
        let bytes = testBytes(count: 30_000, seed: 5)
        let stored = try await withThrowingTaskGroup(of: StoredBlob.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    let writer = try store.makeWriter()
                    try await writer.write(ByteBuffer(bytes: bytes))
                    return try await writer.commit()
                }
            }
            return try await group.reduce(into: [StoredBlob]()) { $0.append($1) }
        }
        #expect(stored.filter { !$0.deduplicated }.count == 1)
        #expect(h.totalDeduplicatedBytes == 39 * bytes.count)
        #expect(try store.allDigests().count == 1)
        #expect(try h.stagedCount() == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func rehashDetectsAFlippedByte(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        let good = try await h.put(testBytes(count: 3_000_000, seed: 6))
        let bad = try await h.put(testBytes(count: 3_000_000, seed: 7))
        try h.corrupt(bad.digest, at: 2_500_000)
        #expect(try h.store.rehash(good.digest))
        #expect(try !h.store.rehash(bad.digest))
    }

    @Test(arguments: StoreKind.allCases)
    func allDigestsAndRemove(kind: StoreKind) async throws {
        let h = try StoreHarness(kind)
        var digests = Set<BlobDigest>()
        for i in 0..<5 { digests.insert(try await h.put(testBytes(count: 1000, seed: UInt64(20 + i))).digest) }
        #expect(Set(try h.store.allDigests()) == digests)
        let gone = digests.removeFirst()
        try h.store.remove(gone)
        try h.store.remove(gone)
        #expect(Set(try h.store.allDigests()) == digests)
        #expect(try !h.store.contains(gone))
    }

    @Test(arguments: StoreKind.allCases)
    func missingDigest(kind: StoreKind) throws {
        let h = try StoreHarness(kind)
        let missing = try #require(BlobDigest(hex: String(repeating: "ab", count: 32)))
        #expect(try !h.store.contains(missing))
        #expect(throws: BlobStoreError.notFound(missing)) { _ = try h.store.reader(for: missing) }
        #expect(throws: BlobStoreError.notFound(missing)) { _ = try h.store.rehash(missing) }
        try h.store.remove(missing)
    }
}
