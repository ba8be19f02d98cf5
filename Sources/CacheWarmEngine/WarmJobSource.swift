import Synchronization

/// Where the engine gets its jobs: a fixed list (`warm`) or the PostgreSQL queue (`work`).
public protocol WarmJobSource: Sendable {
    /// Up to `max` jobs. An empty list means none right now (the source may have waited a
    /// little before answering); nil means no more will come.
    func next(max: Int) async -> [WarmJob]?
}

/// A fixed list of jobs, handed out in order.
public final class ListJobSource: WarmJobSource {
    let jobs: [WarmJob]
    let position = Mutex(0)

    public init(_ jobs: [WarmJob]) {
        self.jobs = jobs
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
