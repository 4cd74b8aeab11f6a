import ArgumentParser
import Logging
import YingyunArchive
import YingyunCatalog
import YingyunStore
import YingyunDICOMweb

#if os(Linux)
// glibc's mallopt (malloc.h is not part of Swift's Glibc module); parameters from malloc.h.
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let M_ARENA_MAX: Int32 = -8
#endif

/// `yingyun serve`: the DICOMweb server on embedded defaults (SQLite catalog, file blob store).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the DICOMweb server (STOW-RS, QIDO-RS, WADO-RS) on a data directory.")

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

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// Request tasks hop between many threads; glibc gives each its own arena, and each arena
    /// keeps memory it freed (RSS grew by 200 MB during one 1 GB retrieval under load). Four
    /// arenas bound that; retrieval recycles its chunk buffers, so it hardly allocates anyway.
    /// (A fixed mmap threshold bounded it too but cost a quarter of WADO-RS throughput.)
    static func boundMallocRetention() {
        #if os(Linux)
        _ = mallopt(M_ARENA_MAX, 4)
        #endif
    }

    func run() async throws {
        Self.boundMallocRetention()
        var logger = Logger(label: "yingyun")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let (archive, store) = try options.openArchive(logger: logger)
        // A crash may have left temporaries and objects without rows: settle them before serving.
        let temps = try store.cleanTemporaries()
        let recovery = try await archive.recover()
        logger.notice("data directory ready", metadata: [
            "data": "\(options.data)", "temporaries removed": "\(temps)",
            "reindexed": "\(recovery.reindexed)", "removed": "\(recovery.removed)",
        ])
        let windows = try recognitionWindows.map { try RecognitionWindows(contentsOf: $0) } ?? RecognitionWindows()
        let server = DICOMwebServer(
            archive: archive,
            configuration: .init(host: host, port: httpPort, publicBaseURL: publicURL, recognitionWindows: windows),
            logger: logger)
        logger.notice("listening", metadata: ["url": "http://\(host):\(httpPort)/dicomweb"])
        try await server.run()
    }
}
