public import YingyunCatalog
import Logging
import YingyunStore

/// Rendered images and thumbnails of stored instances: served from the derived store when made
/// before, otherwise rendered, kept and served.
public struct RenderingService: Sendable {
    public let archive: Archive
    public let renderer: any InstanceRenderer
    public let derived: any DerivedStore
    /// Which instance each study and series shows, so a thumbnail request does not list the
    /// series every time; forgotten when an instance of it arrives (`invalidate`).
    let representatives = RepresentativeCache()

    public init(archive: Archive, renderer: any InstanceRenderer, derived: any DerivedStore) {
        self.archive = archive
        self.renderer = renderer
        self.derived = derived
    }

    /// A study or series gained an instance: its representative may change.
    public func invalidate(study: String, series: String) {
        representatives.remove(study: study, series: series)
    }

    public func key(_ instance: StoredInstance, _ parameters: RenderParameters) -> DerivedKey {
        DerivedKey(source: instance.digest, rendererVersion: renderer.version, parameters: parameters)
    }

    /// When a newly rendered image is written to the derived store.
    public enum Keeping: Sendable {
        /// Before returning (the thumbnail worker: its whole point is the kept file).
        case now
        /// On a low-priority thread after returning: a request's answer does not wait for a file
        /// creation (a third of a cold render's time here).
        case inBackground
        /// Neither looked up nor kept: a /rendered image with the client's own viewport, window
        /// and quality. Kept, every such combination would be a file (a viewer paging through a
        /// series at its own window leaves hundreds); rendering a CT slice again costs ~1 ms, the
        /// ETag lets the client cache it, and a file creation delayed the next answers (the new
        /// inode holds the directory lock that the next request's lookup waits for).
        case never
    }

    /// One thread at nice 19: keeping is never urgent, and creating the file (a new inode is the
    /// dearest part) must not take CPU from the requests being answered.
    private static let keeper = IdleThread(name: "yingyun-derived-keep")

    /// The image and its key (the key is the ETag).
    public func image(
        of instance: StoredInstance, _ parameters: RenderParameters, keeping: Keeping = .now
    ) throws -> (image: EncodedImage, key: DerivedKey) {
        let key = key(instance, parameters)
        if keeping != .never, let kept = try? derived.get(key), kept.mediaType == parameters.format.mediaType {
            return (kept, key)
        }
        guard instance.pixelDataOffset != nil else {
            throw RenderingUnavailable("instance \(instance.sopInstanceUID) has no pixel data to render")
        }
        if let frame = parameters.frame, frame < 1 || frame > max(1, instance.frames.count) {
            throw RenderingUnavailable("instance \(instance.sopInstanceUID) has no frame \(frame)")
        }
        guard let digest = BlobDigest(hex: instance.digest) else { throw RenderingUnavailable("bad digest in catalog") }
        let image = try renderer.render(try archive.store.reader(for: digest), instance: instance, parameters: parameters)
        switch keeping {
        case .now: keep(image, key)
        case .inBackground: Self.keeper.submit { [self] in keep(image, key) }
        case .never: break
        }
        return (image, key)
    }

    private func keep(_ image: EncodedImage, _ key: DerivedKey) {
        do {
            try derived.put(key, image)
        } catch {
            // Not being able to keep an image is no reason not to serve it.
            archive.logger.warning("could not keep a derived image", metadata: ["error": "\(error)"])
        }
    }

    /// The instance a series thumbnail shows: the middle image in the catalog's order
    /// (InstanceNumber, then SOP Instance UID), skipping instances without pixel data.
    public static func representative(ofSeries rows: [StoredInstance]) -> StoredInstance? {
        let images = rows.filter { $0.pixelDataOffset != nil }
        return images.isEmpty ? nil : images[(images.count - 1) / 2]
    }

    /// The instance a study thumbnail shows: the representative of its largest series (the one
    /// with most images; the first such in series order).
    public static func representative(ofStudy rows: [StoredInstance]) -> StoredInstance? {
        var order: [String] = []
        var bySeries: [String: [StoredInstance]] = [:]
        for row in rows where row.pixelDataOffset != nil {
            if bySeries[row.seriesInstanceUID] == nil { order.append(row.seriesInstanceUID) }
            bySeries[row.seriesInstanceUID, default: []].append(row)
        }
        var best: [StoredInstance] = []
        for uid in order where bySeries[uid]!.count > best.count { best = bySeries[uid]! }
        return representative(ofSeries: best)
    }

    /// The representative instance of a study (series nil) or series; nil when it holds no image.
    public func representative(study: String, series: String?) async throws -> StoredInstance? {
        if let known = representatives.get(study: study, series: series) { return known }
        let rows = try await archive.catalog.instances(studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: nil)
        let chosen = series == nil ? Self.representative(ofStudy: rows) : Self.representative(ofSeries: rows)
        if let chosen { representatives.put(chosen, study: study, series: series) }
        return chosen
    }
}
