public import Hummingbird
public import Logging
public import YingyunArchive
public import YingyunCatalog

/// The DICOMweb Studies Service (PS3.18 §10.3–10.6) under `/dicomweb`, plus `/healthz`.
public struct DICOMwebServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Absolute base of the DICOMweb URLs put in responses (RetrieveURL, BulkDataURI).
        /// Clients send Host headers without the port, so it is configured, not guessed.
        public var publicBaseURL: String
        /// Mutual-recognition windows per exam item, for the /mpi prior-study lookup.
        public var recognitionWindows: RecognitionWindows

        public init(
            host: String = "127.0.0.1", port: Int = 8080, publicBaseURL: String? = nil,
            recognitionWindows: RecognitionWindows = RecognitionWindows()
        ) {
            self.host = host
            self.port = port
            self.publicBaseURL = publicBaseURL ?? "http://\(host):\(port)/dicomweb"
            self.recognitionWindows = recognitionWindows
        }
    }

    public let archive: Archive
    public let configuration: Configuration
    public var logger: Logger
    /// Renders /rendered and /thumbnail resources; nil answers them 501.
    public var rendering: RenderingService?
    /// Re-encodes instances for WADO-RS requests in another transfer syntax.
    public var transcoder = Transcoder()

    public init(
        archive: Archive, configuration: Configuration, rendering: RenderingService? = nil,
        logger: Logger = Logger(label: "yingyun.http")
    ) {
        self.archive = archive
        self.configuration = configuration
        self.rendering = rendering
        self.logger = logger
    }

    /// Builds the routes.
    public func makeRouter() -> Router<DICOMwebRequestContext> {
        let router = Router(context: DICOMwebRequestContext.self)
        router.add(middleware: WritePacingMiddleware())
        let handlers = DICOMwebHandlers(archive: archive, baseURL: configuration.publicBaseURL, logger: logger, rendering: rendering, transcoder: transcoder)
        handlers.register(on: router)
        // The patient master index, when the catalog is one (the SQLite catalog is).
        if let index = archive.catalog as? any PatientIndex {
            MPIHandlers(index: index, windows: configuration.recognitionWindows, baseURL: configuration.publicBaseURL)
                .register(on: router)
        }
        return router
    }

    /// Runs until the task is cancelled or the process receives SIGINT/SIGTERM.
    public func run() async throws {
        let app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(additionalChannelHandlers: [LargeReadsHandler()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Yingyun"),
            logger: logger
        )
        try await app.runService()
    }
}
