import ArgumentParser
import CacheWarmCore
import CacheWarmEngine
import CacheWarmPostgres

/// `cachewarm stats`: hit/fill statistics from the queue's outcome history.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Outcome counts of the queue's workers: per outcome, host, run, queue, hour or day.")

    @Option(help: "How far back: seconds or 90s/15m/2h/7d.")
    var since = "24h"

    @Option(help: "Group by outcome, host, run, queue, hour or day.")
    var by: JobQueue.StatsGrouping = .outcome

    @Option(help: "Only this queue.")
    var queue: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard case .seconds(let seconds)? = ExpireAfter(parsing: since) else {
            throw CLIError.badInput("--since: '\(since)' is not a duration like 3600, 90s, 15m, 2h or 7d")
        }
        let jobQueue = try database.openQueue()
        let rows: [(group: String, outcome: String, count: Int, itemBytes: Int)]
        do {
            try await jobQueue.checkSchema()
            rows = try await jobQueue.stats(sinceSeconds: Double(seconds), by: by, queue: queue)
            await jobQueue.close()
        } catch {
            await jobQueue.close()
            throw DatabaseOptions.mapError(error)
        }
        let outcomes = WarmOutcome.Category.allCases.map(\.rawValue)
        var groups: [String: [String: Int]] = [:]
        var order: [String] = []
        for row in rows {
            if groups[row.group] == nil { order.append(row.group) }
            groups[row.group, default: [:]][row.outcome, default: 0] += row.count
        }
        if json {
            print(JSONValue.object(order.map { group in
                (group, .object(outcomes.map { ($0, .int(String(groups[group]![$0, default: 0]))) }))
            }).dumps())
            return
        }
        print(([by.rawValue.padding(toLength: 24, withPad: " ", startingAt: 0)] + outcomes.map { $0.leftPadded(12) } + ["hit ratio".leftPadded(10)]).joined(separator: " "))
        for group in order {
            let counts = groups[group]!
            let total = counts.values.reduce(0, +)
            let fresh = counts["hit", default: 0] + counts["revalidated", default: 0]
            let ratio = total > 0 ? "\(fresh * 100 / total)%" : "-"
            print(([String(group.prefix(24)).padding(toLength: 24, withPad: " ", startingAt: 0)] + outcomes.map { String(counts[$0, default: 0]).leftPadded(12) } + [ratio.leftPadded(10)]).joined(separator: " "))
        }
    }
}

extension JobQueue.StatsGrouping: ExpressibleByArgument {}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
