/// Settings of the DICOM listener.
public struct DIMSEServerConfiguration: Sendable {
    public var host: String
    /// 0 = any free port (tests); the bound port is reported.
    public var port: Int
    /// Our AE title: the called AE title an association must name.
    public var aeTitle: String
    public var directory: ApplicationEntityDirectory
    /// Maximum P-DATA-TF length we announce and accept.
    public var maximumPDULength: UInt32
    /// ARTIM (PS3.8 §9.1.5): how long we wait for an A-ASSOCIATE-RQ after connect, and for the
    /// peer to close after a reject/release/abort.
    public var artimTimeout: Duration
    /// How long an established association may stay silent before we abort it.
    public var idleTimeout: Duration
    /// Associations served at once; more are rejected (transient, local limit exceeded).
    public var maximumAssociations: Int

    public init(
        host: String = "127.0.0.1", port: Int = 11112, aeTitle: String = "YINGYUN",
        directory: ApplicationEntityDirectory = ApplicationEntityDirectory(), maximumPDULength: UInt32 = 1 << 20,
        artimTimeout: Duration = .seconds(30), idleTimeout: Duration = .seconds(300), maximumAssociations: Int = 64
    ) {
        self.host = host
        self.port = port
        self.aeTitle = aeTitle
        self.directory = directory
        self.maximumPDULength = maximumPDULength
        self.artimTimeout = artimTimeout
        self.idleTimeout = idleTimeout
        self.maximumAssociations = maximumAssociations
    }
}
