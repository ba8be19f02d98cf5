import Synchronization

/// Where the engine gets its jobs: a fixed list (`warm`) or the PostgreSQL queue (`work`).
public protocol WarmJobSource: Sendable {
    /// Up to `max` jobs. An empty list means none right now (the source may have waited a
    /// little before answering); nil means no more will come.
    func next(max: Int) async -> [WarmJob]?
}

/// A fixed list of jobs, handed out host by host in turn (round robin), so that one host with
/// many URLs does not hold back the others while its per-host bound is reached.
public final class ListJobSource: WarmJobSource {
    let jobs: [WarmJob]
    let position = Mutex(0)

    public init(_ jobs: [WarmJob]) {
        var byHost: [String: [WarmJob]] = [:]
        var hosts: [String] = []
        for job in jobs {
            if byHost[job.host] == nil { hosts.append(job.host) }
            byHost[job.host, default: []].append(job)
        }
        var interleaved: [WarmJob] = []
        interleaved.reserveCapacity(jobs.count)
        var round = 0
        while interleaved.count < jobs.count {
            for host in hosts where round < byHost[host]!.count { interleaved.append(byHost[host]![round]) }
            round += 1
        }
        self.jobs = interleaved
    }

    public func next(max: Int) async -> [WarmJob]? {
        let range: Range<Int> = position.withLock { start in
            let end = min(jobs.count, start + max)
            defer { start = end }
            return start..<end
        }
        return range.isEmpty ? nil : Array(jobs[range])
    }
}
