// swift-tools-version:6.2
// libFuzzer harnesses for the DICOM core, the pixel decoders and the DICOM upper layer (PDUs). Not part of the test command;
// run tools/fuzz/run.sh (parser), tools/fuzz/decoders.sh (one decoder at a time), tools/fuzz/pdu.sh.
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
        .target(
            name: "CYingyunCodecs",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("openjp2"), .linkedLibrary("charls"), .linkedLibrary("png16")]
        ),
        .target(
            name: "YingyunImaging",
            dependencies: ["YingyunDICOM", "CYingyunCodecs", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
        .executableTarget(
            name: "FuzzDecoders",
            dependencies: ["YingyunDICOM", "YingyunImaging", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
        // The upper layer's codecs (PDUs, command sets), by symlink: YingyunNetwork without NIOPosix.
        .target(
            name: "YingyunPDU",
            dependencies: ["YingyunDICOM", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ]
        ),
        .executableTarget(
            name: "FuzzPDU",
            dependencies: ["YingyunPDU", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
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
