import ArgumentParser
import CacheWarmCore
import CacheWarmHTTP

/// How origins are fetched, and which addresses may be fetched at all.
struct FetchOptions: ParsableArguments {
    @Option(name: .customLong("max-body-bytes"), help: "Largest body fetched; a larger one is skipped and reported.")
    var maxBodyBytes = 10 * 1024 * 1024

    @Option(name: .customLong("max-item-bytes"), help: "Largest DynamoDB item written (AWS: 409600; moto rejects above 405000 by its own count).")
    var maxItemBytes = ItemSize.dynamoDBLimitBytes

    @Option(name: .customLong("timeout"), help: "Seconds for one whole fetch, redirects included.")
    var timeoutSeconds = 30

    @Option(name: .customLong("connect-timeout"), help: "Seconds to connect.")
    var connectTimeoutSeconds = 10

    @Flag(name: .customLong("allow-loopback"), help: "Allow fetching loopback addresses (127.0.0.0/8, ::1).")
    var allowLoopback = false

    @Flag(name: .customLong("allow-private"), help: "Allow private and unique-local addresses (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7).")
    var allowPrivate = false

    @Flag(name: .customLong("allow-link-local"), help: "Allow link-local addresses (169.254/16: cloud metadata!, fe80::/10).")
    var allowLinkLocal = false

    @Option(name: .customLong("allow-host"), help: "Allow a host name glob whatever it resolves to; repeatable.")
    var allowHosts: [String] = []

    func validate() throws {
        guard maxBodyBytes > 0, maxItemBytes > 0 else { throw ValidationError("--max-body-bytes and --max-item-bytes must be positive") }
        guard (1...86_400).contains(timeoutSeconds), (1...86_400).contains(connectTimeoutSeconds) else {
            throw ValidationError("--timeout and --connect-timeout must be 1 to 86400 seconds")
        }
    }

    func configuration(connectionsPerHost: Int) -> OriginFetcher.Configuration {
        OriginFetcher.Configuration(
            maxBodyBytes: maxBodyBytes, requestTimeout: .seconds(timeoutSeconds), connectTimeout: .seconds(connectTimeoutSeconds),
            addressPolicy: AddressPolicy(allowLoopback: allowLoopback, allowPrivate: allowPrivate, allowLinkLocal: allowLinkLocal, allowedHosts: allowHosts),
            connectionsPerHost: connectionsPerHost)
    }

    /// Runs `body` with a started fetcher (and its egress proxy), and shuts both down after.
    func withFetcher<T>(connectionsPerHost: Int, _ body: (OriginFetcher) async throws -> T) async throws -> T {
        let fetcher = try await OriginFetcher.start(configuration(connectionsPerHost: connectionsPerHost))
        do {
            let result = try await body(fetcher)
            await fetcher.shutdown()
            return result
        } catch {
            await fetcher.shutdown()
            throw error
        }
    }
}
