import ArgumentParser
import CacheWarmCore
import CacheWarmEngine

/// Whether to fetch at all: hits are not fetched, stale items with validators are revalidated.
struct WarmingOptions: ParsableArguments {
    @Option(name: .customLong("refresh-before"), help: "Seconds: an item fresh for longer than this is a hit and is not fetched; one expiring sooner is refreshed.")
    var refreshBeforeSeconds: Int64 = 300

    @Flag(help: "Fetch and write every URL, fresh or not.")
    var force = false

    @Option(name: .customLong("per-host"), help: "Requests in flight to one host at most.")
    var perHost = 8

    @Option(name: .customLong("per-host-rate"), help: "Request starts per second to one host (with jitter); default: no limit.")
    var perHostRate: Double?

    @Option(name: .customLong("expire-jitter"), help: "Seconds: move each written expiry earlier by a random 0…N, so URLs warmed together do not expire together.")
    var expireJitterSeconds: Int64 = 0

    func warmerConfiguration(concurrency: Int, maxItemBytes: Int, dryRun: Bool) -> Warmer.Configuration {
        var configuration = Warmer.Configuration(concurrency: concurrency, maxItemBytes: maxItemBytes, dryRun: dryRun,
                                                 refreshLeadSeconds: refreshBeforeSeconds, force: force, perHostConcurrency: perHost)
        configuration.expireJitterSeconds = expireJitterSeconds
        configuration.perHostRate = perHostRate
        return configuration
    }

    func validate() throws {
        guard (0...ExpireAfter.maxSeconds).contains(refreshBeforeSeconds) else { throw ValidationError("--refresh-before must be 0 to \(ExpireAfter.maxSeconds) seconds") }
        guard perHost > 0 else { throw ValidationError("--per-host must be at least 1") }
        guard perHostRate.map({ $0 >= 0.001 && $0 <= 1_000_000 }) ?? true else { throw ValidationError("--per-host-rate must be between 0.001 and 1000000") }
        guard (0...ExpireAfter.maxSeconds).contains(expireJitterSeconds) else { throw ValidationError("--expire-jitter must be 0 to \(ExpireAfter.maxSeconds) seconds") }
    }
}
