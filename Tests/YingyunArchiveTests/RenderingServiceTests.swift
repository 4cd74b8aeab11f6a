import Foundation
import NIOCore
import Testing
import YingyunArchive
import YingyunCatalog
import YingyunDICOMIO
import YingyunStore

/// A renderer twin: "JPEG" bytes (SOI … EOI) naming the source digest and parameters, and a
/// count of how often it was asked — so tests see what was rendered and what came from the store.
final class StampRenderer: InstanceRenderer, @unchecked Sendable {
    let version: String
    private let lock = NSLock()
    private var calls: [String] = []
    init(version: String = "stamp-1") { self.version = version }

    func render(_ object: any BlobReader, instance: StoredInstance, parameters: RenderParameters) throws -> EncodedImage {
        lock.withLock { calls.append(instance.sopInstanceUID) }
        let text = "\(instance.digest)|\(object.size)|\(parameters.canonical)"
        return EncodedImage(bytes: [0xFF, 0xD8] + Array(text.utf8) + [0xFF, 0xD9], mediaType: parameters.format.mediaType)
    }

    var renders: [String] { lock.withLock { calls } }
}

@Suite struct RenderingServiceTests {
    static let studies = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/dicom/studies").path

    static func row(_ sop: String, series: String, number: Int?, image: Bool = true) -> StoredInstance {
        StoredInstance(
            studyInstanceUID: "1.2.3", seriesInstanceUID: series, sopInstanceUID: sop, sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
            transferSyntaxUID: "1.2.840.10008.1.2.1", digest: String(repeating: "a", count: 64), size: 10,
            pixelDataOffset: image ? 100 : nil, frames: image ? [[100..<110]] : [], instanceNumber: number)
    }

    /// One generated instance in an in-memory archive, and a rendering service over it whose
    /// renderer stamps the source digest (so tests can count renders and tell images apart).
    static func oneStampedInstance() async throws
        -> (Archive, StoredInstance, StampRenderer, InMemoryDerivedStore, RenderingService)
    {
        let archive = Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory())
        let stored = try await ingestFolder(archive, "HOSP-A/A00011885")
        let renderer = StampRenderer()
        let derived = InMemoryDerivedStore()
        let service = RenderingService(archive: archive, renderer: renderer, derived: derived)
        let row = try #require(try await archive.catalog.instance(sopInstanceUID: stored[0].sopInstanceUID))
        return (archive, row, renderer, derived, service)
    }

    static func ingestFolder(_ archive: Archive, _ relative: String) async throws -> [IngestedInstance] {
        var out: [IngestedInstance] = []
        for path in Archive.files(under: [studies + "/" + relative]).sorted() where path.hasSuffix(".dcm") {
            let session = try archive.beginIngest(source: "TEST")
            try await session.write(try FileByteSource.readAll(path: path))
            out.append(try await session.finish().get())
        }
        return out
    }

    @Test func seriesShowsItsMiddleImageAndStudyItsLargestSeries() {
        let a = (1...5).map { (i: Int) in Self.row("a\(i)", series: "A", number: i) }
        #expect(RenderingService.representative(ofSeries: a)?.sopInstanceUID == "a3")
        let even = (1...4).map { (i: Int) in Self.row("e\(i)", series: "E", number: i) }
        #expect(RenderingService.representative(ofSeries: even)?.sopInstanceUID == "e2")
        // Instances without pixel data (an SR, a KOS) never represent a series.
        let mixed = [Self.row("sr", series: "M", number: 1, image: false), Self.row("m2", series: "M", number: 2)]
        #expect(RenderingService.representative(ofSeries: mixed)?.sopInstanceUID == "m2")
        #expect(RenderingService.representative(ofSeries: [Self.row("sr", series: "M", number: 1, image: false)]) == nil)
        let b = (1...7).map { (i: Int) in Self.row("b\(i)", series: "B", number: i) }
        #expect(RenderingService.representative(ofStudy: a + b)?.sopInstanceUID == "b4")
        #expect(RenderingService.representative(ofStudy: []) == nil)
    }

    @Test func keysChangeWithSourceRendererAndParameters() {
        let p = RenderParameters()
        let k = DerivedKey(source: "aa", rendererVersion: "1", parameters: p)
        #expect(k == DerivedKey(source: "aa", rendererVersion: "1", parameters: p))
        #expect(k != DerivedKey(source: "ab", rendererVersion: "1", parameters: p))
        #expect(k != DerivedKey(source: "aa", rendererVersion: "2", parameters: p))
        var q = p
        q.window = .init(center: 40, width: 400)
        #expect(k != DerivedKey(source: "aa", rendererVersion: "1", parameters: q))
        q = p
        q.format = .png
        #expect(k != DerivedKey(source: "aa", rendererVersion: "1", parameters: q))
        #expect(k.hex.count == 64)
    }

    @Test func rendersOnceThenServesTheKeptImage() async throws {
        let (archive, row, renderer, derived, service) = try await Self.oneStampedInstance()
        let first = try service.image(of: row, RenderParameters())
        let again = try service.image(of: row, RenderParameters())
        #expect(first.image == again.image)
        #expect(first.key == again.key)
        #expect(renderer.renders.count == 1)
        #expect(String(decoding: first.image.bytes, as: UTF8.self).contains(row.digest))
        _ = try service.image(of: row, RenderParameters(format: .png))
        #expect(renderer.renders.count == 2)
        // A newer renderer does not serve what an older one made.
        let newer = RenderingService(archive: archive, renderer: StampRenderer(version: "stamp-2"), derived: derived)
        #expect(try newer.image(of: row, RenderParameters()).key != first.key)
        // A frame the instance does not have is refused before rendering.
        #expect(throws: RenderingUnavailable.self) { try service.image(of: row, RenderParameters(frame: 2)) }
    }

    @Test func clientParameterImagesAreNeitherKeptNorLookedUp() async throws {
        let (_, row, renderer, derived, service) = try await Self.oneStampedInstance()
        let p = RenderParameters(viewportWidth: 300, viewportHeight: 200, window: .init(center: 40, width: 400))
        let a = try service.image(of: row, p, keeping: .never)
        let b = try service.image(of: row, p, keeping: .never)
        #expect(a == b)  // same image, same key (the ETag)
        #expect(renderer.renders.count == 2 && derived.count == 0)
        // Kept in the background (a /thumbnail request), it is there shortly after.
        _ = try service.image(of: row, RenderParameters(), keeping: .inBackground)
        for _ in 0..<200 where derived.count == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(derived.count == 1)
    }

    @Test func fileStoreKeepsImagesAndDropsTornOnes() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("derived-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try FileDerivedStore(root: root)
        let key = DerivedKey(source: "x", rendererVersion: "1", parameters: RenderParameters())
        #expect(try store.get(key) == nil)
        let image = EncodedImage(bytes: [0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9], mediaType: "image/jpeg")
        try store.put(key, image)
        #expect(try store.get(key) == image)
        let path = "\(root)/\(key.hex.prefix(2))/\(key.hex).jpg"
        #expect(FileManager.default.fileExists(atPath: path))
        // A file cut short by a crash is a miss, and is removed.
        try Data([0xFF, 0xD8, 1]).write(to: URL(fileURLWithPath: path))
        #expect(try store.get(key) == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func workerRendersNewInstancesTheirSeriesAndStudyAfterIngestPauses() async throws {
        var archive = Archive(store: InMemoryBlobStore(), catalog: try SQLiteCatalog.inMemory())
        let renderer = StampRenderer()
        let derived = InMemoryDerivedStore()
        let worker = ThumbnailWorker(
            service: RenderingService(archive: archive, renderer: renderer, derived: derived), quietPeriod: .milliseconds(20))
        archive.ingestObserver = worker
        let running = Task { await worker.run() }
        defer { running.cancel() }
        // One MR study with two one-image series: two instance thumbnails; the series and study
        // thumbnails show those same images (same keys), so nothing is rendered twice.
        let stored = try await Self.ingestFolder(archive, "HOSP-B/MRN-010357")
        #expect(stored.count == 2)
        let deadline = ContinuousClock.now + .seconds(10)
        while !(worker.isIdle && derived.count == 2), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(Set(renderer.renders) == Set(stored.map(\.sopInstanceUID)))
        #expect(renderer.renders.count == 2)
        #expect(derived.count == 2)
        #expect(worker.counts.failed == 0)
        // Served from the store afterwards: the service does not render again.
        let service = RenderingService(archive: archive, renderer: renderer, derived: derived)
        let study = try #require(try await service.representative(study: stored[0].studyInstanceUID, series: nil))
        _ = try service.image(of: study, RenderParameters())
        #expect(renderer.renders.count == 2)
        // A duplicate re-send is not new work.
        _ = try await Self.ingestFolder(archive, "HOSP-B/MRN-010357")
        try await Task.sleep(for: .milliseconds(100))
        #expect(renderer.renders.count == 2)
    }
}
