import ArgumentParser
import Foundation
import Logging
import YingyunArchive
import YingyunCatalog
import YingyunDIMSEService
import YingyunNetwork
import YingyunStore
import YingyunDICOMweb

#if os(Linux)
// glibc's mallopt (malloc.h is not part of Swift's Glibc module); parameters from malloc.h.
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let M_TRIM_THRESHOLD: Int32 = -1
private let M_MMAP_THRESHOLD: Int32 = -3
private let M_ARENA_MAX: Int32 = -8
#endif

/// `yingyun serve`: the DICOMweb server and the DICOM listener (C-ECHO, C-STORE, C-FIND, C-GET, C-MOVE) on embedded
/// defaults (SQLite catalog, file blob store).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the DICOMweb server (STOW-RS, QIDO-RS, WADO-RS) and the DICOM listener (C-ECHO, C-STORE, C-FIND, C-GET, C-MOVE) on a data directory.")

    @OptionGroup var options: DataDirectoryOptions

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("http-port"), help: "HTTP port.")
    var httpPort: Int = 8080

    @Option(name: .customLong("public-url"), help: "Base URL clients use to reach /dicomweb (default http://HOST:PORT/dicomweb).")
    var publicURL: String?

    @Option(name: .customLong("recognition-windows"),
            help: "JSON file of mutual-recognition windows per exam item ({\"defaultDays\":30,\"items\":[...]}).")
    var recognitionWindows: String?

    @Flag(name: .customLong("thumbnails"), inversion: .prefixedNo,
          help: "Render thumbnails in the background as instances arrive (they are made on request either way).")
    var precomputeThumbnails = true

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .customLong("dicom-port"),
            help: "DICOM (DIMSE) port; 0 = no DICOM listener. Default 11112 (if that port is taken, the listener is skipped with a warning; an explicit port must bind).")
    var dicomPort: Int?

    @Option(name: .customLong("ae-title"), help: "Our AE title: the called AE title associations must name.")
    var aeTitle: String = "YINGYUN"

    @Option(name: .customLong("ae-config"),
            help: "JSON file of known application entities (strict by default: unknown calling AEs are rejected). Without it any calling AE may store and query.")
    var aeConfig: String?

    @Option(name: .customLong("dicom-max-pdu"), help: "Maximum P-DATA-TF length we accept (bytes).")
    var dicomMaxPDU: UInt32 = 1 << 20

    @Option(name: .customLong("dicom-artim-timeout"), help: "Seconds to wait for A-ASSOCIATE-RQ after connect and for the peer to close after release/abort.")
    var dicomARTIMTimeout: Double = 30

    @Option(name: .customLong("dicom-idle-timeout"), help: "Seconds an established association may stay silent before it is aborted.")
    var dicomIdleTimeout: Double = 300

    @Option(name: .customLong("sync-mode"),
            help: ArgumentHelp("How commits are made durable: group (one syncfs shared by concurrent commits) or per-file (fdatasync each object).", visibility: .hidden))
    var syncMode: String = "group"

    func validate() throws {
        guard syncMode == "group" || syncMode == "per-file" else { throw ValidationError("--sync-mode must be group or per-file") }
        guard AETitle.isValid(aeTitle) else { throw ValidationError("--ae-title must be 1-16 characters without backslash") }
        if let p = dicomPort, !(0...65535).contains(p) { throw ValidationError("--dicom-port must be 0...65535") }
        guard dicomARTIMTimeout > 0, dicomIdleTimeout > 0 else { throw ValidationError("timeouts must be positive") }
        guard dicomMaxPDU >= 4096 else { throw ValidationError("--dicom-max-pdu must be at least 4096") }
    }

    /// The AE directory: the file given, else an open one (any calling AE may store).
    func applicationEntities() throws -> ApplicationEntityDirectory {
        guard let aeConfig else { return ApplicationEntityDirectory(strict: false, defaultPermissions: [.store, .query, .retrieve]) }
        do {
            return try ApplicationEntityDirectory.load(path: aeConfig)
        } catch {
            throw ValidationError("cannot read --ae-config \(aeConfig): \(error)")
        }
    }

    /// Request tasks hop between many threads; glibc gives each its own arena, and each arena
    /// keeps memory it freed. Four arenas bound that; streamed responses are paced and recycle
    /// their chunk buffers, so they hardly allocate anyway.
    ///
    /// Then the thresholds, fixed instead of glibc's moving ones: buffers up to 4 MiB (a decoded
    /// CT frame, an upload chunk) come from the arenas, and up to 16 MiB freed at an arena's top
    /// stays there. With the defaults, every cold render's 512 KiB frame was a fresh mapping
    /// whose page faults took 0.4 ms — a quarter of the render. (A fixed 128 KiB mmap
    /// threshold, tried before, cost a quarter of WADO-RS throughput the same way.)
    static func boundMallocRetention() {
        #if os(Linux)
        _ = mallopt(M_ARENA_MAX, 4)
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 16 << 20)
        #endif
    }

    func run() async throws {
        Self.boundMallocRetention()
        var logger = Logger(label: "yingyun")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let directory = try applicationEntities()
        var (archive, store) = try openArchive(directory: directory, logger: logger)
        // A crash may have left temporaries and objects without rows: settle them before serving.
        let temps = try store.cleanTemporaries()
        let recovery = try await archive.recover()
        if let sqlite = archive.catalog as? SQLiteCatalog, sqlite.policy.linking {
            // Linking reads random pages of the big identity indexes; load them while serving.
            Task.detached(priority: .background) { try? await sqlite.prewarmLinkingPages() }
        }
        logger.notice("data directory ready", metadata: [
            "data": "\(options.data)", "temporaries removed": "\(temps)",
            "reindexed": "\(recovery.reindexed)", "removed": "\(recovery.removed)",
        ])
        let windows = try recognitionWindows.map { try RecognitionWindows(contentsOf: $0) } ?? RecognitionWindows()
        // Thumbnails are made ahead of time by a background worker (ingest never waits for it)
        // and kept under derived/; /rendered and /thumbnail serve from there.
        let rendering = RenderingService(
            archive: archive, renderer: ImagingInstanceRenderer(),
            derived: try FileDerivedStore(root: options.data + "/derived"))
        let thumbnails = ThumbnailWorker(service: rendering, precompute: precomputeThumbnails, logger: logger)
        archive.ingestObserver = thumbnails
        var server = DICOMwebServer(
            archive: archive,
            configuration: .init(host: host, port: httpPort, publicBaseURL: publicURL, recognitionWindows: windows),
            logger: logger)
        server.transcoder = Transcoder(decoder: ImagingPixelDataDecoder())
        server.rendering = rendering
        let http = server
        let worker = Task { await thumbnails.run() }
        defer { worker.cancel() }
        logger.notice("listening", metadata: ["url": "http://\(host):\(httpPort)/dicomweb"])
        let port = dicomPort ?? 11112
        guard port != 0 else {
            try await http.run()
            return
        }
        var dimse = DIMSEServer(
            configuration: DIMSEServerConfiguration(
                host: host, port: port, aeTitle: aeTitle, directory: directory, maximumPDULength: dicomMaxPDU,
                artimTimeout: .milliseconds(Int64(dicomARTIMTimeout * 1000)),
                idleTimeout: .milliseconds(Int64(dicomIdleTimeout * 1000))),
            handler: ArchiveStoreHandler(archive: archive, logger: logger),
            queryHandler: CatalogQueryHandler(catalog: archive.catalog, logger: logger),
            retrieveHandler: CatalogRetrieveHandler(catalog: archive.catalog, store: archive.store, logger: logger),
            logger: logger)
        dimse.commitmentHandler = CatalogCommitmentHandler(catalog: archive.catalog, logger: logger)
        let listener = dimse
        let explicit = dicomPort != nil
        let dimseLogger = logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The HTTP server returns on SIGTERM/SIGINT (graceful shutdown): the listener stops with it.
            group.addTask { try await http.run() }
            group.addTask {
                do {
                    try await listener.run()
                } catch where !explicit && !(error is CancellationError) {
                    dimseLogger.warning("DICOM listener not started: default port 11112 unavailable", metadata: ["error": "\(error)"])
                    // Keep serving HTTP: wait to be cancelled with it.
                    while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
                }
            }
            // The first to end (or fail) ends both.
            try await group.next()
            group.cancelAll()
        }
    }

    /// As `DataDirectoryOptions.openArchive`, with the AE directory's default issuers added to
    /// the identity policy (keyed by the DIMSE source label "DIMSE:<AE>@<address>").
    func openArchive(directory: ApplicationEntityDirectory, logger: Logger) throws -> (Archive, FileBlobStore) {
        var policy = try options.identityPolicy()
        let (issuers, unkeyed) = ArchiveStoreHandler.defaultIssuers(directory)
        for (source, issuer) in issuers where policy.defaultIssuerBySource[source] == nil {
            policy.defaultIssuerBySource[source] = issuer
        }
        if !unkeyed.isEmpty {
            logger.warning("default issuer ignored for AEs without configured addresses (sources are keyed by address)",
                           metadata: ["ae": "\(unkeyed.joined(separator: ","))"])
        }
        try FileManager.default.createDirectory(atPath: options.data, withIntermediateDirectories: true)
        let store = try FileBlobStore(root: options.data, syncMode: syncMode == "per-file" ? .perFile : .groupFlush)
        let catalog = try SQLiteCatalog(path: options.data + "/catalog.sqlite", policy: policy)
        guard let conflict = ConflictPolicy(rawValue: options.onConflict) else {
            throw ValidationError("--on-conflict must be reject or replace")
        }
        return (Archive(store: store, catalog: catalog, conflictPolicy: conflict, logger: logger), store)
    }
}
