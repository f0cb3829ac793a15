// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "easel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "easel", targets: ["EaselCommand"]),
        .executable(name: "sdnext-emulator", targets: ["SDNextEmulatorCommand"]),
        .executable(name: "easel-bench", targets: ["EaselBench"]),
        .library(name: "SDNext", targets: ["SDNext"]),
        .library(name: "SDNextModels", targets: ["SDNextModels"]),
        .library(name: "SDNextEmulator", targets: ["SDNextEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", exact: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", exact: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Thin C wrapper over the system's libjpeg(-turbo), libpng and libexif: codecs and image metadata.
        .target(
            name: "CImageCodec",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("exif")]
        ),
        .target(
            name: "SDNextEmulator",
            dependencies: [
                "CImageCodec",
                "DynamicJSON",
                "SDNextModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SDNextEmulatorCommand",
            dependencies: [
                "SDNextEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A dynamically typed JSON value, shared by the SD.Next client and Easel's core without tying either to I/O.
        .target(name: "DynamicJSON", swiftSettings: swiftSettings),
        // SD.Next's request bodies as plain values, built from one set of generation fields; no I/O, so Easel's
        // core can hold them.
        .target(name: "SDNextModels", dependencies: ["DynamicJSON"], swiftSettings: swiftSettings),
        .target(
            name: "SDNext",
            dependencies: [
                "DynamicJSON",
                "SDNextModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EaselCore",
            dependencies: [
                "DynamicJSON",
                "SDNextModels",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EaselProtocol",
            dependencies: ["DynamicJSON", "EaselCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EaselSQLite",
            dependencies: [
                "EaselCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EaselGeneration",
            dependencies: [
                "EaselCore",
                "SDNext",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Webhooks out of the store's outbox: signed per Standard Webhooks, retried with backoff. Its own module, so
        // that HTTP sending and Crypto stay out of the queue's core and generation.
        .target(
            name: "EaselWebhooks",
            dependencies: [
                "EaselCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EaselRealtime",
            dependencies: [
                "EaselCore",
                "EaselProtocol",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // The SD.Next-compatible API on Easel's port: SD.Next's routes answered by the queue and the pool, per caller.
        .target(
            name: "EaselGateway",
            dependencies: [
                "DynamicJSON",
                "EaselCore",
                "EaselGeneration",
                "SDNext",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EaselServer",
            dependencies: [
                "EaselCore",
                "EaselGateway",
                "EaselProtocol",
                "EaselSQLite",
                "EaselGeneration",
                "EaselRealtime",
                "EaselWebhooks",
                "SDNext",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EaselClient",
            dependencies: [
                "EaselCore",
                "EaselProtocol",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the tests share: the conformance suite every JobStore passes, a hub and emulators started for
        // real, and the one wait-for-condition helper.
        .target(
            name: "EaselTesting",
            dependencies: [
                "DynamicJSON",
                "EaselCore",
                "EaselServer",
                "SDNextEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EaselCommand",
            dependencies: [
                "EaselCore",
                "EaselServer",
                "EaselClient",
                "EaselWebhooks",
                "SDNextEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The load generator's measuring parts: subscriber client, wire scanning, /proc sampling, report.
        .target(
            name: "EaselBenchKit",
            dependencies: [
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EaselBench",
            dependencies: [
                "EaselBenchKit",
                "EaselCore",
                "EaselSQLite",
                "SDNextEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselBenchTests",
            dependencies: ["EaselBenchKit", "EaselCore", "EaselSQLite"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SDNextEmulatorTests",
            dependencies: [
                "EaselTesting",
                "SDNextEmulator",
                "SDNextModels",
                "CImageCodec",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SDNextTests",
            dependencies: [
                "DynamicJSON",
                "EaselTesting",
                "SDNext",
                "SDNextEmulator",
                "CImageCodec",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselCoreTests",
            dependencies: ["EaselCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselProtocolTests",
            dependencies: ["EaselCore", "EaselProtocol"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselRealtimeTests",
            dependencies: [
                "EaselCore", "EaselProtocol", "EaselRealtime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselGenerationTests",
            dependencies: ["EaselCore", "EaselGeneration", "SDNext"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselSQLiteTests",
            dependencies: ["EaselCore", "EaselSQLite", "EaselTesting", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselClientTests",
            dependencies: ["EaselClient", "EaselCore", "EaselProtocol"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselGatewayTests",
            dependencies: [
                "DynamicJSON",
                "EaselGateway",
                "EaselServer",
                "EaselTesting",
                "SDNextEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EaselServerTests",
            dependencies: [
                "DynamicJSON",
                "EaselServer",
                "EaselSQLite",
                "EaselTesting",
                "EaselClient",
                "EaselWebhooks",
                "SDNextEmulator",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
