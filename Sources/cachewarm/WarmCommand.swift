import ArgumentParser
import CacheWarmCore
import CacheWarmDynamoDB
import CacheWarmEngine
import CacheWarmHTTP
import Foundation
import Logging

/// `cachewarm warm`: fetch URLs and write the items requests-cache reads as fresh hits.
struct WarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warm", abstract: "Fetch URLs and write them to the requests-cache table.")

    @Argument(help: "URLs to warm (also see --file).")
    var urls: [String] = []

    @Option(name: .customLong("file"), help: "Read URLs from a file, one per line ('-' for standard input; # comments).")
    var file: String?

    @OptionGroup var dynamoDB: DynamoDBOptions
    @OptionGroup var request: RequestOptions
    @OptionGroup var reader: ReaderOptions
    @OptionGroup var fetch: FetchOptions
    @OptionGroup var warming: WarmingOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "URLs fetched at once.")
    var concurrency = 16

    @Flag(name: .customLong("dry-run"), help: "Fetch, decide, encode and size everything, but write nothing.")
    var dryRun = false

    @Flag(help: "Print a JSON report on standard output (per-URL lines go to standard error).")
    var json = false

    func validate() throws {
        guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let jobs = try await makeJobs()
        let start = ContinuousClock.now
        let results = try await fetch.withFetcher(connectionsPerHost: concurrency) { fetcher in
            try await warm(jobs, fetcher: fetcher, logger: logger)
        }
        let elapsed = ContinuousClock.now - start
        let report = WarmReport(results, elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        if json { print(report.json(results: results).dumps()) } else { print(report.summary) }
        if report.hasFailures { throw ExitCode(ExitStatus.someFailed) }
    }

    private func warm(_ jobs: [WarmJob], fetcher: OriginFetcher, logger: Logger) async throws -> [WarmResult] {
        try await dynamoDB.withItemStore(dryRun: dryRun, logger: logger) { store in
            let configuration = warming.warmerConfiguration(concurrency: concurrency, maxItemBytes: fetch.maxItemBytes, dryRun: dryRun)
            let warmer = Warmer(configuration: configuration, fetcher: fetcher, store: store, now: { .now })
            let printer = ResultPrinter(toStandardError: json, total: jobs.count)
            return await warmer.run(jobs) { result in printer.print(result) }
        }
    }

    /// Every URL is checked before anything is fetched: one bad URL stops the run (exit 2).
    func makeJobs() async throws -> [WarmJob] {
        let settings = try reader.settings()
        let request = self.request
        return try await parallelMap(try URLList.all(urls, file: file)) { line, url in
            do {
                return try WarmJob(request: try request.request(url: url), settings: settings)
            } catch let error as InvalidRequest {
                throw CLIError.badInput("URL \(line + 1): \(error.description)")
            }
        }
    }
}

/// Reads URL lists: one URL per line; blank lines and `#` comments are skipped.
enum URLList {
    /// The command's URL arguments, then the file's; none at all is bad input.
    static func all(_ arguments: [String], file: String?) throws -> [String] {
        let all = arguments + (try file.map(read) ?? [])
        guard !all.isEmpty else { throw CLIError.badInput("no URLs: give them as arguments or with --file") }
        return all
    }

    static func read(_ path: String) throws -> [String] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else { throw CLIError.badInput("cannot read URL file \(path)") }
            data = contents
        }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
}
