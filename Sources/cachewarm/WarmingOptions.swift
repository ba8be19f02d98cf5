import ArgumentParser

/// Whether to fetch at all: hits are not fetched, stale items with validators are revalidated.
struct WarmingOptions: ParsableArguments {
    @Option(name: .customLong("refresh-before"), help: "Seconds: an item fresh for longer than this is a hit and is not fetched; one expiring sooner is refreshed.")
    var refreshBeforeSeconds: Int64 = 300

    @Flag(help: "Fetch and write every URL, fresh or not.")
    var force = false

    @Option(name: .customLong("per-host"), help: "Requests in flight to one host at most.")
    var perHost = 8

    func validate() throws {
        guard refreshBeforeSeconds >= 0 else { throw ValidationError("--refresh-before must not be negative") }
        guard perHost > 0 else { throw ValidationError("--per-host must be at least 1") }
    }
}
