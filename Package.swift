// swift-tools-version:6.2
// The package graph is the architecture: arrows point down only.
//   YingyunDICOM (pure: model, dictionary, parser, writer, charsets, JSON; NIOCore + zlib)
//     ← YingyunDICOMIO (file-backed byte sources)
//       ← YingyunCLI (the `yingyun` executable)
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
                .product(name: "NIOCore", package: "swift-nio"),
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
            name: "YingyunCLITests",
            dependencies: ["YingyunCLI"],
            swiftSettings: upcoming
        ),
    ]
)
