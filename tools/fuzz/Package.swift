// swift-tools-version:6.2
// libFuzzer harnesses for the DICOM core. Not part of the test command; run tools/fuzz/run.sh.
import PackageDescription

let package = Package(
    name: "YingyunFuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The core's sources, by symlink: a path dependency's identity would be the checkout's folder name.
        .systemLibrary(name: "CYingyunZlib", pkgConfig: "zlib"),
        .target(
            name: "YingyunDICOM",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), "CYingyunZlib"],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
        .executableTarget(
            name: "FuzzParser",
            dependencies: [
                "YingyunDICOM",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
