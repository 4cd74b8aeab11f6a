// swift-tools-version:6.2
// The package graph is the architecture: arrows point down only.
//   YingyunDICOM (pure: model, dictionary, parser, writer, charsets, JSON; NIOCore + zlib)
//     ← YingyunDICOMIO (file-backed byte sources)
//   YingyunStore (content-addressed blobs; knows nothing of DICOM; libcrypto SHA-256)
//   YingyunCatalog (study index keyed by master patient; GRDB/SQLite) → YingyunDICOM
//   YingyunMultipart (streaming multipart/related; NIOCore only)
//   YingyunArchive (ingest pipeline, retrieval, verify, transcoding, derived images) → Store, Catalog, DICOM, DICOMIO, Imaging
//   YingyunDICOMweb (Hummingbird: STOW/QIDO/WADO) → Archive, Multipart
//       ← YingyunCLI (the `yingyun` executable)
//   CYingyunCodecs (C: setjmp-safe libjpeg-turbo, OpenJPEG, CharLS wrappers)
//     ← YingyunImaging (pixel data decoding, rendering) → YingyunDICOM
//   YingyunNetwork (DICOM upper layer, association, DIMSE, NIO server; a StoreHandler seam) → DICOM
//   YingyunDIMSEService (the StoreHandler over the ingest pipeline) → Network, Archive
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Yingyun",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "yingyun", targets: ["YingyunCLI"]),
        .library(name: "YingyunDICOM", targets: ["YingyunDICOM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CYingyunZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(
            name: "YingyunDICOM",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                "CYingyunZlib",
            ],
            swiftSettings: upcoming
        ),
        .systemLibrary(
            name: "CYingyunCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl"])]
        ),
        .target(
            name: "YingyunStore",
            dependencies: [
                "CYingyunCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "YingyunCatalog",
            dependencies: [
                "YingyunDICOM",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "YingyunMultipart",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: upcoming
        ),
        .target(
            name: "YingyunArchive",
            dependencies: [
                "YingyunDICOM", "YingyunDICOMIO", "YingyunStore", "YingyunCatalog", "YingyunImaging",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "YingyunDICOMweb",
            dependencies: [
                "YingyunDICOM", "YingyunArchive", "YingyunMultipart", "YingyunCatalog", "YingyunStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "YingyunDICOMIO",
            dependencies: [
                "YingyunDICOM",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "YingyunCLI",
            dependencies: [
                "YingyunDICOM",
                "YingyunDICOMIO",
                "YingyunArchive",
                "YingyunDICOMweb",
                "YingyunStore",
                "YingyunCatalog",
                "YingyunImaging",
                "YingyunNetwork",
                "YingyunDIMSEService",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunDICOMTests",
            dependencies: [
                "YingyunDICOM",
                "YingyunDICOMIO",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunStoreTests",
            dependencies: ["YingyunStore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunCatalogTests",
            dependencies: ["YingyunCatalog", "YingyunDICOM", "YingyunDICOMIO"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunMultipartTests",
            dependencies: ["YingyunMultipart", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunArchiveTests",
            dependencies: [
                "YingyunArchive", "YingyunStore", "YingyunCatalog", "YingyunDICOM", "YingyunDICOMIO",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunCLITests",
            dependencies: ["YingyunCLI", "YingyunCatalog"],
            swiftSettings: upcoming
        ),
        // Imaging: C codecs behind error codes (libjpeg's longjmp never reaches Swift), decoders, rendering.
        .target(
            name: "CYingyunCodecs",
            linkerSettings: [
                .linkedLibrary("jpeg"), .linkedLibrary("openjp2"), .linkedLibrary("charls"), .linkedLibrary("png16"),
            ]
        ),
        .target(
            name: "YingyunImaging",
            dependencies: ["YingyunDICOM", "CYingyunCodecs", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunImagingTests",
            dependencies: [
                "YingyunImaging", "YingyunDICOM", "YingyunDICOMIO", .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "YingyunNetwork",
            dependencies: [
                "YingyunDICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunNetworkTests",
            dependencies: [
                "YingyunNetwork", "YingyunDICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "YingyunDIMSEService",
            dependencies: [
                "YingyunNetwork", "YingyunArchive", "YingyunCatalog", "YingyunStore", "YingyunDICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "YingyunDIMSEServiceTests",
            dependencies: [
                "YingyunDIMSEService", "YingyunNetwork", "YingyunArchive", "YingyunCatalog", "YingyunStore",
                "YingyunDICOM", "YingyunDICOMIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
