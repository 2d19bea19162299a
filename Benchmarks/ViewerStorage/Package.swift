// swift-tools-version:6.1
import PackageDescription

// Release-mode measurement of the viewer's store: ingest rate, CPU and memory, and search latency over a million
// spans. Run it with ../../scripts/bench-viewer-storage.
//
// The store's sources are compiled here through symbolic links to Sources/TelemetryViewer/{Model,Storage,Query}
// because TelemetryViewer is not a library product of the main package, and building the whole viewer (gRPC,
// Hummingbird) in release mode just to measure SQLite would cost the machine far more than it tells.
let package = Package(
    name: "viewer-storage-benchmark",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-telemetry", path: "../.."),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "ViewerStorageCore",
            dependencies: [
                .product(name: "Telemetry", package: "swift-telemetry"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "viewer-storage-bench",
            dependencies: [
                "ViewerStorageCore",
                .product(name: "Telemetry", package: "swift-telemetry"),
            ]
        ),
    ]
)
