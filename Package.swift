// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cachewarm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cachewarm", targets: ["cachewarm"]),
        .executable(name: "cachewarm-fuzz", targets: ["cachewarm-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Pure core: keys, normalization, BLAKE2b, expiry, item encoding and sizing. No I/O.
        .target(
            name: "CacheWarmCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Adapter: DynamoDB JSON protocol with SigV4 over async-http-client.
        .target(
            name: "CacheWarmDynamoDB",
            dependencies: [
                "CacheWarmCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // libpq (Debian libpq-dev), for the PostgreSQL adapter.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // Adapter: the PostgreSQL refresh queue over libpq, on dedicated threads.
        .target(
            name: "CacheWarmPostgres",
            dependencies: [
                "CLibPQ", "CacheWarmCore",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Adapter: fetching origins with async-http-client.
        .target(
            name: "CacheWarmHTTP",
            dependencies: [
                "CacheWarmCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Orchestration: fetch -> decide -> encode -> write -> report, against protocols.
        .target(
            name: "CacheWarmEngine",
            dependencies: [
                "CacheWarmCore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "cachewarm",
            dependencies: [
                "CacheWarmCore", "CacheWarmDynamoDB", "CacheWarmHTTP", "CacheWarmEngine", "CacheWarmPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Fuzz targets: every parser of outside input as a function of bytes (scripts/fuzz.sh).
        .target(name: "CacheWarmFuzzTargets", dependencies: ["CacheWarmCore"]),
        .executableTarget(name: "cachewarm-fuzz", dependencies: ["CacheWarmFuzzTargets"]),
        .testTarget(name: "CacheWarmCoreTests", dependencies: ["CacheWarmCore", "CacheWarmFuzzTargets"]),
        .testTarget(
            name: "CacheWarmDynamoDBTests",
            dependencies: [
                "CacheWarmDynamoDB", "CacheWarmCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "CacheWarmEngineTests", dependencies: ["CacheWarmEngine", "CacheWarmCore"]),
        .testTarget(name: "CacheWarmPostgresTests", dependencies: ["CacheWarmPostgres", "CacheWarmCore"]),
        .testTarget(
            name: "CacheWarmHTTPTests",
            dependencies: [
                "CacheWarmHTTP", "CacheWarmCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ]
)
