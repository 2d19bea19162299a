// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "swift-telemetry",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .library(name: "TelemetryOTLP", targets: ["TelemetryOTLP"]),
        .library(name: "TelemetryPrometheus", targets: ["TelemetryPrometheus"]),
        .library(name: "TelemetryTesting", targets: ["TelemetryTesting"]),
        .library(name: "TelemetryResilience", targets: ["TelemetryResilience"]),
        .library(name: "TelemetryHTTP", targets: ["TelemetryHTTP"]),
        .library(name: "TelemetryHummingbird", targets: ["TelemetryHummingbird"]),
        .library(name: "TelemetryAsyncHTTPClient", targets: ["TelemetryAsyncHTTPClient"]),
        .library(name: "TelemetryGRPC", targets: ["TelemetryGRPC"]),
        .library(name: "TelemetryVapor", targets: ["TelemetryVapor"]),
        .library(name: "TelemetryPostgres", targets: ["TelemetryPostgres"]),
        .library(name: "TelemetryGRDB", targets: ["TelemetryGRDB"]),
        .executable(name: "telemetrygen", targets: ["telemetrygen"]),
        .executable(name: "telemetry-viewer", targets: ["telemetry-viewer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        .target(name: "CTelemetryShims"),
        .target(
            name: "Telemetry",
            dependencies: [
                "CTelemetryShims",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TelemetryOTLP",
            dependencies: [
                "Telemetry",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .target(
            name: "TelemetryPrometheus",
            dependencies: [
                "Telemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TelemetryResilience",
            dependencies: [
                "Telemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "TelemetryHTTP",
            dependencies: [
                "Telemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Instrumentation/TelemetryHTTP"
        ),
        .target(
            name: "TelemetryHummingbird",
            dependencies: [
                "Telemetry",
                "TelemetryHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Instrumentation/TelemetryHummingbird"
        ),
        .target(
            name: "TelemetryTesting",
            dependencies: [
                "Telemetry",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "telemetrygen",
            dependencies: [
                "Telemetry",
                "TelemetryOTLP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Telemetry",
                "TelemetryTesting",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TelemetryResilienceTests",
            dependencies: [
                "Telemetry",
                "TelemetryResilience",
                "TelemetryTesting",
            ]
        ),
        .target(
            name: "TelemetryAsyncHTTPClient",
            dependencies: [
                "Telemetry",
                "TelemetryHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Instrumentation/TelemetryAsyncHTTPClient"
        ),
        .target(
            name: "TelemetryGRPC",
            dependencies: [
                "Telemetry",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Instrumentation/TelemetryGRPC"
        ),
        .target(
            name: "TelemetryVapor",
            dependencies: [
                "Telemetry",
                "TelemetryHTTP",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Instrumentation/TelemetryVapor"
        ),
        .target(
            name: "TelemetryDatabase",
            dependencies: [
                "Telemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Instrumentation/TelemetryDatabase"
        ),
        .target(
            name: "TelemetryPostgres",
            dependencies: [
                "Telemetry",
                "TelemetryDatabase",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Instrumentation/TelemetryPostgres"
        ),
        .target(
            name: "TelemetryGRDB",
            dependencies: [
                "Telemetry",
                "TelemetryDatabase",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Instrumentation/TelemetryGRDB"
        ),
        // The local telemetry viewer: OTLP receiver, SQLite storage, Jaeger-compatible API and web UI. A library target
        // so that its tests reach it; users run the `telemetry-viewer` executable.
        .target(
            name: "TelemetryViewer",
            dependencies: [
                "Telemetry",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "telemetry-viewer",
            dependencies: [
                "TelemetryViewer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test support shared by the test targets that run a real PostgreSQL: not a product.
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support/PostgresTestSupport"
        ),
        // Test support shared by the test targets that run a real Prometheus: not a product.
        .target(
            name: "PrometheusTestSupport",
            path: "Tests/Support/PrometheusTestSupport"
        ),
        .testTarget(
            name: "TelemetryHTTPTests",
            dependencies: [
                "Telemetry",
                "TelemetryHTTP",
                "TelemetryTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Tests/Instrumentation/TelemetryHTTPTests"
        ),
        .testTarget(
            name: "TelemetryHummingbirdTests",
            dependencies: [
                "Telemetry",
                "TelemetryHTTP",
                "TelemetryHummingbird",
                "TelemetryPrometheus",
                "TelemetryTesting",
                "PrometheusTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Tests/Instrumentation/TelemetryHummingbirdTests"
        ),
        .testTarget(
            name: "TelemetryAsyncHTTPClientTests",
            dependencies: [
                "Telemetry",
                "TelemetryHTTP",
                "TelemetryAsyncHTTPClient",
                "TelemetryTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Tests/Instrumentation/TelemetryAsyncHTTPClientTests"
        ),
        .testTarget(
            name: "TelemetryGRPCTests",
            dependencies: [
                "Telemetry",
                "TelemetryGRPC",
                "TelemetryTesting",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Tests/Instrumentation/TelemetryGRPCTests"
        ),
        .testTarget(
            name: "TelemetryVaporTests",
            dependencies: [
                "Telemetry",
                "TelemetryHTTP",
                "TelemetryVapor",
                "TelemetryTesting",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Tests/Instrumentation/TelemetryVaporTests"
        ),
        .testTarget(
            name: "TelemetryDatabaseTests",
            dependencies: [
                "Telemetry",
                "TelemetryDatabase",
                "TelemetryPostgres",
                "TelemetryGRDB",
                "TelemetryTesting",
                "PostgresTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Tests/Instrumentation/TelemetryDatabaseTests"
        ),
        .testTarget(
            name: "TelemetryEndToEndTests",
            dependencies: [
                "Telemetry",
                "TelemetryOTLP",
                "TelemetryHummingbird",
                "TelemetryVapor",
                "TelemetryAsyncHTTPClient",
                "TelemetryGRPC",
                "TelemetryPostgres",
                "TelemetryTesting",
                "PostgresTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/Instrumentation/TelemetryEndToEndTests"
        ),
        .testTarget(
            name: "TelemetryViewerTests",
            dependencies: [
                "Telemetry",
                "TelemetryViewer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TelemetryOTLPTests",
            dependencies: [
                "Telemetry",
                "TelemetryOTLP",
                "TelemetryTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TelemetryPrometheusTests",
            dependencies: [
                "Telemetry",
                "TelemetryPrometheus",
                "PrometheusTestSupport",
                "TelemetryTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
