import ArgumentParser
import CacheWarmCore
import CacheWarmPostgres
import Foundation

/// `cachewarm enqueue`: put refresh jobs into the queue; duplicates of unfinished jobs collapse.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enqueue", abstract: "Put URL refresh jobs into the PostgreSQL queue.")

    @Argument(help: "URLs to enqueue (also see --file).")
    var urls: [String] = []

    @Option(name: .customLong("file"), help: "Read URLs from a file, one per line ('-' for standard input).")
    var file: String?

    @Option(help: "Queue name.")
    var queue = "default"

    @Option(help: "Higher runs first.")
    var priority = 0

    @Option(name: .customLong("run-at"), help: "Not before this time (ISO 8601, e.g. 2026-11-25T06:00:00Z).")
    var runAt: String?

    @Option(name: .customLong("max-attempts"), help: "Attempts before the job fails.")
    var maxAttempts = 5

    @Option(name: .customLong("run-id"), help: "Groups the jobs of one run (a cron run) in the queue's records.")
    var runID: String?

    @Flag(name: .customLong("keep-warm"), help: "Keep the URL warm: after each outcome the job comes back before the item expires.")
    var keepWarm = false

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var request: RequestOptions
    @OptionGroup var reader: ReaderOptions

    func validate() throws {
        guard (1...100).contains(maxAttempts) else { throw ValidationError("--max-attempts must be 1 to 100") }
        guard (-1_000_000...1_000_000).contains(priority) else { throw ValidationError("--priority must be between -1000000 and 1000000") }
        if let runAt, Timestamp(isoformat: runAt) == nil { throw ValidationError("--run-at: '\(runAt)' is not an ISO 8601 time") }
    }

    func run() async throws {
        let settings = try reader.settings()
        let when = runAt.flatMap { Timestamp(isoformat: $0) }
        let (requestOptions, queue, priority, maxAttempts, runID, keepWarm) = (request, self.queue, self.priority, self.maxAttempts, self.runID, self.keepWarm)
        let jobs = try await parallelMap(try URLList.all(urls, file: file)) { line, url in
            let request = try requestOptions.request(url: url)
            do {
                let key = try CacheKey(request: request, settings: settings)
                return NewJob(request: request, settings: settings, cacheKey: key.key, queue: queue, priority: priority, runAt: when, maxAttempts: maxAttempts, runID: runID, keepWarm: keepWarm)
            } catch let error as InvalidRequest {
                throw CLIError.badInput("URL \(line + 1): \(error.description)")
            }
        }
        let jobQueue = try database.openQueue()
        do {
            try await jobQueue.checkSchema()
            let summary = try await jobQueue.enqueue(jobs)
            await jobQueue.close()
            print("enqueued \(jobs.count) URLs into queue \(queue): \(summary.new) new, \(summary.deduplicated) deduplicated")
        } catch {
            await jobQueue.close()
            throw DatabaseOptions.mapError(error)
        }
    }
}
