import ArgumentParser
import CacheWarmCore
import CacheWarmEngine
import CacheWarmHTTP
import CacheWarmPostgres
import Foundation
import Logging
import ServiceLifecycle

/// `cachewarm work`: drain or serve the refresh queue.
struct WorkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work", abstract: "Claim refresh jobs from the PostgreSQL queue and warm them (many workers may share a queue).")

    @Option(help: "Queue name.")
    var queue = "default"

    @Option(help: "URLs fetched at once.")
    var concurrency = 16

    @Flag(help: "Exit when the queue has nothing ready, retryable or running (the cron mode).")
    var drain = false

    @Option(name: .customLong("worker-id"), help: "This worker's name in leases (default: host-pid-random, unique per process).")
    var workerID: String?

    @Option(name: .customLong("lease-seconds"), help: "A claimed job's lease; renewed while it runs, rescued by others after it expires.")
    var leaseSeconds = 60.0

    @Option(name: .customLong("rescue-interval"), help: "Seconds between looks for expired leases.")
    var rescueInterval = 15.0

    @Option(name: .customLong("retention"), help: "Seconds finished jobs are kept before they are pruned.")
    var retention = 7.0 * 86_400

    @Option(name: .customLong("grace-seconds"), help: "On SIGTERM/SIGINT: how long in-flight jobs may finish before they are released.")
    var graceSeconds = 20.0

    @Option(name: .customLong("poll-interval-ms"), help: "An idle worker polls this often when no NOTIFY arrives.")
    var pollIntervalMilliseconds: Int32 = 1000

    @Option(name: .customLong("retry-base-seconds"), help: "First retry delay ceiling (doubles per attempt, full jitter).")
    var retryBaseSeconds = 2.0

    @Option(name: .customLong("keep-warm-max-interval"), help: "Seconds: a keep-warm job whose item never expires (or was not written) runs again after this long.")
    var keepWarmMaxInterval: Int64 = 86_400

    @Option(name: .customLong("allow-job-header"),
            help: "A request header jobs may set (repeatable); once given, a job with any other header fails. Default: any header.")
    var allowedJobHeaders: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Fetch, decide, encode and size, but write nothing to DynamoDB.")
    var dryRun = false

    @Flag(help: "Print a JSON report at the end (per-job lines go to standard error).")
    var json = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var dynamoDB: DynamoDBOptions
    @OptionGroup var fetch: FetchOptions
    @OptionGroup var warming: WarmingOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard concurrency > 0, pollIntervalMilliseconds > 0 else { throw ValidationError("--concurrency and --poll-interval-ms must be positive") }
        // Bounded, so that every conversion to a clock's units stays in range.
        let day = 86_400.0
        guard (0.1...day).contains(leaseSeconds), (0.1...day).contains(rescueInterval), (0...3650 * day).contains(retention),
            (0...day).contains(graceSeconds), (0.001...day).contains(retryBaseSeconds), (1...365 * 86_400).contains(keepWarmMaxInterval)
        else {
            throw ValidationError("--lease-seconds, --rescue-interval, --grace-seconds and --retry-base-seconds must be within a day (and positive), "
                + "--retention within 10 years, --keep-warm-max-interval 1 s to a year")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let schema = try database.queueSchema()
        let queues = (0..<3).map { _ in JobQueue(connection: PostgresConnection(conninfo: database.conninfo), schema: schema) }
        do {
            try await queues[0].checkSchema()
        } catch {
            for queue in queues { await queue.close() }
            throw DatabaseOptions.mapError(error)
        }
        let start = ContinuousClock.now
        let printer = ResultPrinter(toStandardError: json, total: nil)
        do {
            try await fetch.withFetcher(connectionsPerHost: concurrency) { fetcher in
                try await serve(queues: queues, fetcher: fetcher, logger: logger, printer: printer)
            }
        } catch {
            for queue in queues { await queue.close() }
            throw error
        }
        for queue in queues { await queue.close() }
        let elapsed = ContinuousClock.now - start
        var final = printer.report
        final.elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if json { print(final.json().dumps()) } else { print(final.summary) }
        if final.hasFailures { throw ExitCode(ExitStatus.someFailed) }
    }

    private func serve(queues: [JobQueue], fetcher: OriginFetcher, logger: Logger, printer: ResultPrinter) async throws {
        // Unique per process: a restarted container often has the same host name and pid 1.
        let owner = workerID ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(String(UInt32.random(in: .min ... .max), radix: 16))"
        var configuration = QueueWorker.Configuration(
            queue: queue, owner: owner, leaseSeconds: leaseSeconds, rescueIntervalSeconds: rescueInterval, retentionSeconds: retention,
            drain: drain, pollIntervalMilliseconds: pollIntervalMilliseconds, retry: JobDisposition.Policy(baseDelaySeconds: retryBaseSeconds))
        configuration.refreshLeadSeconds = warming.refreshBeforeSeconds
        configuration.keepWarmMaxIntervalSeconds = keepWarmMaxInterval
        if !allowedJobHeaders.isEmpty { configuration.allowedJobHeaders = Set(allowedJobHeaders.map { $0.lowercased() }) }
        let worker = QueueWorker(configuration: configuration, queue: queues[0], listener: queues[1], upkeep: queues[2], logger: logger)
        try await dynamoDB.withItemStore(dryRun: dryRun, logger: logger) { store in
            let warmer = Warmer(configuration: warming.warmerConfiguration(concurrency: concurrency, maxItemBytes: fetch.maxItemBytes, dryRun: dryRun),
                                fetcher: fetcher, store: store, now: { .now })
            let service = WorkerService(worker: worker, warmer: warmer, grace: .milliseconds(Int64(graceSeconds * 1000))) { printer.print($0) }
            // A drained worker ends on its own: that ends the group, and is no error.
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do { try await group.run() } catch { logger.error("worker stopped", metadata: ["error": "\(error)"]) }
        }
    }
}

/// The worker as a service: a SIGTERM/SIGINT stops claiming and lets in-flight jobs finish.
struct WorkerService: Service {
    let worker: QueueWorker
    let warmer: Warmer
    let grace: Duration
    let report: @Sendable (WarmResult) -> Void

    func run() async throws {
        await withGracefulShutdownHandler {
            await worker.run(warmer: warmer, gracePeriod: grace, report: report)
        } onGracefulShutdown: {
            worker.stop()
        }
    }
}
