import Foundation
public import Logging
import YingyunCatalog

/// Renders thumbnails in the background as studies arrive: each new instance (middle frame),
/// then its series and study. Work starts once ingest has paused for `quietPeriod`, so on a
/// small machine thumbnails do not take CPU from receiving; one series at a time, and each
/// rendering waits again if ingest resumed meanwhile.
/// Nothing needs invalidating: derived keys name the source bytes, so a series that gains
/// instances gets a new representative and a new key, which the next pass renders.
public final class ThumbnailWorker: IngestObserver, @unchecked Sendable {
    struct SeriesKey: Hashable { var study: String; var series: String }

    private let service: RenderingService
    private let parameters: [RenderParameters]
    private let quietPeriod: Duration
    private let precompute: Bool
    private let logger: Logger
    private let lock = NSLock()
    private var pending: [SeriesKey: Set<String>] = [:]   // series → new SOP Instance UIDs
    private var order: [SeriesKey] = []
    private var lastIngest = ContinuousClock.now
    private var rendered = 0
    private var failed = 0
    private var busy = false
    /// Renders at nice 19, so only otherwise idle CPU goes to thumbnails.
    private let idle = IdleThread(name: "yingyun-thumbnails")
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

    /// - Parameters:
    ///   - parameters: the renderings made ahead of time (default: the JPEG thumbnail).
    ///   - precompute: false only keeps the service's view of series current (thumbnails are then
    ///     made on request).
    public init(service: RenderingService, parameters: [RenderParameters] = [RenderParameters()],
                quietPeriod: Duration = .milliseconds(300), precompute: Bool = true,
                logger: Logger = Logger(label: "yingyun.thumbnails")) {
        self.service = service
        self.precompute = precompute
        self.parameters = parameters
        self.quietPeriod = quietPeriod
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func ingested(_ instance: IngestedInstance) {
        let key = SeriesKey(study: instance.studyInstanceUID, series: instance.seriesInstanceUID)
        service.invalidate(study: key.study, series: key.series)
        guard precompute else { return }
        lock.withLock {
            if pending[key] == nil { order.append(key) }
            pending[key, default: []].insert(instance.sopInstanceUID)
            lastIngest = .now
        }
        wake.yield()
    }

    /// (rendered, failed) so far: for tests and logs.
    public var counts: (rendered: Int, failed: Int) { lock.withLock { (rendered, failed) } }

    /// True when nothing is waiting or being rendered (tests poll this).
    public var isIdle: Bool { lock.withLock { order.isEmpty && !busy } }

    /// Runs until cancelled.
    public func run() async {
        for await _ in wakes {
            while let job = await nextJob() {
                await process(job.key, newInstances: job.instances)
                lock.withLock { busy = false }
            }
        }
    }

    /// Waits until ingest has paused for `quietPeriod`; false when cancelled.
    private func waitForQuiet() async -> Bool {
        while !Task.isCancelled {
            let quietFor = lock.withLock { ContinuousClock.now - lastIngest }
            if quietFor >= quietPeriod { return true }
            try? await Task.sleep(for: quietPeriod - quietFor)
        }
        return false
    }

    private func nextJob() async -> (key: SeriesKey, instances: Set<String>)? {
        if lock.withLock({ order.isEmpty }) { return nil }
        guard await waitForQuiet() else { return nil }
        return lock.withLock {
            busy = true
            let key = order.removeFirst()
            return (key, pending.removeValue(forKey: key) ?? [])
        }
    }

    private func process(_ key: SeriesKey, newInstances: Set<String>) async {
        let rows: [StoredInstance]
        do {
            rows = try await service.archive.catalog.instances(
                studyInstanceUID: key.study, seriesInstanceUID: key.series, sopInstanceUID: nil)
        } catch {
            logger.warning("thumbnail pass could not read the catalog", metadata: ["error": "\(error)"])
            return
        }
        var targets = rows.filter { newInstances.contains($0.sopInstanceUID) && $0.pixelDataOffset != nil }
        if let series = RenderingService.representative(ofSeries: rows) { targets.append(series) }
        if let studyRows = try? await service.archive.catalog.instances(
            studyInstanceUID: key.study, seriesInstanceUID: nil, sopInstanceUID: nil),
            let study = RenderingService.representative(ofStudy: studyRows)
        {
            targets.append(study)
        }
        var seen = Set<String>()
        for instance in targets where seen.insert(instance.digest).inserted {
            for p in parameters {
                // Ingest resumed: step aside until it pauses again (the next study must not wait).
                guard await waitForQuiet() else { return }
                do {
                    let service = service
                    _ = try await idle.run { try service.image(of: instance, p) }
                    lock.withLock { rendered += 1 }
                } catch {
                    lock.withLock { failed += 1 }
                    logger.debug("no thumbnail", metadata: ["sop": "\(instance.sopInstanceUID)", "error": "\(error)"])
                }
                await Task.yield()
            }
        }
    }
}
