import CacheWarmCore

/// Counts for a run: per outcome, per host, and totals, in a person's and a program's form.
public struct WarmReport: Sendable {
    public private(set) var counts: [WarmOutcome.Category: Int] = [:]
    public private(set) var hosts: [String: [WarmOutcome.Category: Int]] = [:]
    public private(set) var itemBytes = 0
    public private(set) var total = 0
    public var elapsedSeconds: Double = 0

    public static let maxHosts = 1000
    public static let otherHosts = "(other hosts)"

    public init() {}

    public init(_ results: [WarmResult], elapsedSeconds: Double) {
        for result in results { add(result) }
        self.elapsedSeconds = elapsedSeconds
    }

    public mutating func add(_ result: WarmResult) {
        let category = result.outcome.category
        counts[category, default: 0] += 1
        // Bounded for a worker that runs for weeks: hosts past the limit are counted together.
        let host = hosts[result.host] != nil || hosts.count < Self.maxHosts ? result.host : Self.otherHosts
        hosts[host, default: [:]][category, default: 0] += 1
        total += 1
        if case .filled(_, let bytes, _) = result.outcome { itemBytes += bytes }
        if case .wouldFill(_, let bytes, _) = result.outcome { itemBytes += bytes }
    }

    public func count(_ category: WarmOutcome.Category) -> Int { counts[category, default: 0] }

    /// Failed and refused URLs make a run unsuccessful; uncacheable and oversize are reported only.
    public var hasFailures: Bool { count(.failed) + count(.refused) > 0 }

    public var urlsPerSecond: Double { elapsedSeconds > 0 ? Double(total) / elapsedSeconds : 0 }

    /// One line per outcome kind that occurred, then the rate.
    public var summary: String {
        let parts = WarmOutcome.Category.allCases.filter { count($0) > 0 }.map { "\($0.rawValue) \(count($0))" }
        let rate = String(Int(urlsPerSecond.rounded()))
        return "\(total) URLs: \(parts.joined(separator: ", ")); \(itemBytes) item bytes; "
            + "\(formatSeconds(elapsedSeconds)) s, \(rate) URLs/s"
    }

    /// `urls`: one entry per URL, for a run over a list (a queue's jobs are in its table).
    public func json(results: [WarmResult]? = nil) -> JSONValue {
        func countsJSON(_ counts: [WarmOutcome.Category: Int]) -> JSONValue {
            .object(WarmOutcome.Category.allCases.map { ($0.rawValue, .int(String(counts[$0, default: 0]))) })
        }
        var fields: [(String, JSONValue)] = [
            ("total", .int(String(total))),
            ("outcomes", countsJSON(counts)),
            ("hosts", .object(hosts.sorted { $0.key < $1.key }.map { ($0.key, countsJSON($0.value)) })),
            ("item_bytes", .int(String(itemBytes))),
            ("elapsed_seconds", .float(elapsedSeconds)),
        ]
        if let results { fields.append(("urls", .array(results.map(Self.resultJSON)))) }
        return .object(fields)
    }

    static func resultJSON(_ result: WarmResult) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("url", .string(result.url)),
            ("outcome", .string(result.outcome.category.rawValue)),
            ("status", result.status.map { .int(String($0)) } ?? .null),
        ]
        switch result.outcome {
        case .filled(let keys, let bytes, let expires), .wouldFill(let keys, let bytes, let expires):
            fields += [("keys", .array(keys.map(JSONValue.string))), ("item_bytes", .int(String(bytes))), ("expires", expires.map(JSONValue.string) ?? .null)]
        default:
            fields.append(("reason", .string(result.outcome.detail)))
        }
        return .object(fields)
    }

    private func formatSeconds(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
