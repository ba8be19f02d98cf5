import CacheWarmCore
import Logging
import Synchronization

/// `cachewarm work`: claims jobs from the queue and runs the warm path on them, renewing its
/// leases, rescuing other workers' expired ones, and writing outcomes back in batches.
public final class QueueWorker: Sendable {
    public struct Configuration: Sendable {
        public var queue: String
        public var owner: String
        public var leaseSeconds: Double
        public var rescueIntervalSeconds: Double
        public var retentionSeconds: Double
        /// Exit when the queue has nothing ready, retryable or running.
        public var drain: Bool
        /// How long an idle worker waits for a NOTIFY before it polls anyway.
        public var pollIntervalMilliseconds: Int32
        public var retry: JobDisposition.Policy
        /// Keep-warm jobs run again `refreshLeadSeconds` before their item expires (with jitter),
        /// and at the latest after `keepWarmMaxIntervalSeconds`.
        public var refreshLeadSeconds: Int64 = 300
        public var keepWarmMaxIntervalSeconds: Int64 = 86_400
        /// Request headers a job may set (lower-cased); nil: any. A job with another header fails.
        public var allowedJobHeaders: Set<String>?

        public init(queue: String = "default", owner: String, leaseSeconds: Double = 60, rescueIntervalSeconds: Double = 15,
                    retentionSeconds: Double = 7 * 86_400, drain: Bool = false, pollIntervalMilliseconds: Int32 = 1000,
                    retry: JobDisposition.Policy = JobDisposition.Policy()) {
            self.queue = queue
            self.owner = owner
            self.leaseSeconds = leaseSeconds
            self.rescueIntervalSeconds = rescueIntervalSeconds
            self.retentionSeconds = retentionSeconds
            self.drain = drain
            self.pollIntervalMilliseconds = pollIntervalMilliseconds
            self.retry = retry
        }
    }

    let configuration: Configuration
    let queue: any RefreshQueue
    let listener: any RefreshQueue
    let upkeep: any RefreshQueue
    let logger: Logger
    let source: QueueJobSource

    public init(configuration: Configuration, queue: any RefreshQueue, listener: any RefreshQueue, upkeep: any RefreshQueue, logger: Logger) {
        self.configuration = configuration
        self.queue = queue
        self.listener = listener
        self.upkeep = upkeep
        self.logger = logger
        source = QueueJobSource(configuration: configuration, queue: queue, listener: listener, logger: logger)
    }

    /// Stop claiming; jobs in flight finish (or, after `stop(releaseInFlight:)`, are released).
    public func stop() {
        source.stopping.withLock { $0 = true }
    }

    /// Runs until drained (`--drain`) or stopped. `report` sees every job's result.
    public func run(warmer: Warmer, gracePeriod: Duration, report: @escaping @Sendable (WarmResult) -> Void) async {
        let source = self.source
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.upkeepLoop() }
            group.addTask {
                await withTaskGroup(of: Void.self) { work in
                    work.addTask { await warmer.run(source) { result in source.record(result); report(result) } }
                    // After a stop, in-flight jobs get the grace period, then are cancelled and released.
                    work.addTask {
                        while !source.stopping.withLock({ $0 }) {
                            try? await Task.sleep(for: .milliseconds(100))
                            if Task.isCancelled { return }
                        }
                        try? await Task.sleep(for: gracePeriod)
                    }
                    await work.next()
                    work.cancelAll()
                }
                await source.flush()
            }
            await group.next()
            group.cancelAll()
        }
        await source.flush()
    }

    /// Lease renewal (every third of a lease) and the rescuer and pruning (every rescue interval).
    func upkeepLoop() async {
        let clock = ContinuousClock()
        var nextRescue = clock.now
        while !Task.isCancelled {
            do {
                try await upkeep.renewLeases(owner: configuration.owner, ids: source.heldIDs, leaseSeconds: configuration.leaseSeconds)
                if clock.now >= nextRescue {
                    let rescued = try await upkeep.rescueExpiredLeases()
                    if rescued > 0 { logger.notice("rescued jobs with expired leases", metadata: ["count": "\(rescued)"]) }
                    try await upkeep.prune(olderThanSeconds: configuration.retentionSeconds)
                    nextRescue = clock.now + .milliseconds(Int64(configuration.rescueIntervalSeconds * 1000))
                }
            } catch {
                logger.warning("queue upkeep failed; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(Int64(min(configuration.leaseSeconds / 3, configuration.rescueIntervalSeconds) * 1000)))
        }
    }
}

/// The queue as a job source: claims sized to the free slots, results buffered and written back
/// with the next claim, LISTEN/NOTIFY with a polling fallback, reconnects with backoff.
final class QueueJobSource: WarmJobSource {
    let configuration: QueueWorker.Configuration
    let queue: any RefreshQueue
    let listener: any RefreshQueue
    let logger: Logger
    let stopping = Mutex(false)
    let buffer = Mutex<[JobCompletion]>([])
    let failures = Mutex(0)
    /// Jobs this process holds (handed out, or recorded and not yet written back), with the
    /// Retry-After refunds each has had: only these leases are renewed.
    let held = Mutex<[Int64: Int]>([:])
    /// Jobs handed out and not yet recorded: while some run, an idle claim waits only briefly,
    /// so their results are written back (and a drain ends) without waiting for a poll.
    let inFlight = Mutex(0)

    init(configuration: QueueWorker.Configuration, queue: any RefreshQueue, listener: any RefreshQueue, logger: Logger) {
        self.configuration = configuration
        self.queue = queue
        self.listener = listener
        self.logger = logger
    }

    func next(max: Int) async -> [WarmJob]? {
        if stopping.withLock({ $0 }) { return nil }
        do {
            try await flushOrThrow()
            _ = try await queue.keyUnkeyedJobs(limit: 500, owner: configuration.owner, leaseSeconds: configuration.leaseSeconds)
            let claimed = try await queue.claim(queue: configuration.queue, max: max, owner: configuration.owner, leaseSeconds: configuration.leaseSeconds)
            failures.withLock { $0 = 0 }
            held.withLock { held in for completion in claimed.invalid { held[completion.id] = 0 } }
            buffer.withLock { $0 += claimed.invalid }
            if !claimed.jobs.isEmpty || !claimed.invalid.isEmpty { return jobs(claimed.jobs) }
            if configuration.drain, !(try await queue.hasUnfinishedWork(queue: configuration.queue)) { return nil }
            let busy = inFlight.withLock { $0 } > 0
            _ = try await listener.waitForWork(timeoutMilliseconds: busy ? min(50, configuration.pollIntervalMilliseconds) : configuration.pollIntervalMilliseconds)
            return []
        } catch {
            // PostgreSQL restarting or unreachable: keep going, with backoff (capped at 5 s).
            let attempt = failures.withLock { count in count += 1; return count }
            logger.warning("queue unavailable; retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
            try? await Task.sleep(for: .milliseconds(min(5000, 100 << min(attempt, 6))))
            return []
        }
    }

    /// Jobs that are no valid request (or set a header this worker does not allow) fail at
    /// once, each alone, with the reason; the others are handed out.
    private func jobs(_ claimed: [QueuedJob]) -> [WarmJob] {
        var jobs: [WarmJob] = []
        for job in claimed {
            held.withLock { $0[job.id] = job.refunds }
            do throws(InvalidRequest) {
                if let allowed = configuration.allowedJobHeaders, let header = job.request.headers.first(where: { !allowed.contains($0.name.lowercased()) }) {
                    throw InvalidRequest.invalidHeader("\(header.name) is not allowed on this worker (--allow-job-header)")
                }
                jobs.append(try WarmJob(request: job.request, settings: job.settings, queueID: job.id, attempt: job.attempt, maxAttempts: job.maxAttempts,
                                        keepWarm: job.keepWarm))
            } catch {
                buffer.withLock { $0.append(JobCompletion(id: job.id, state: .failed, outcome: "failed", error: "invalid job: \(error.description)")) }
            }
        }
        inFlight.withLock { $0 += jobs.count }
        return jobs
    }

    var heldIDs: [Int64] { held.withLock { Array($0.keys) } }

    /// Turns a result into a completion; the retry decision is `JobDisposition.decide`.
    func record(_ result: WarmResult) {
        guard let id = result.queueID else { return }
        inFlight.withLock { $0 -= 1 }
        let stopping = self.stopping.withLock { $0 }
        let refunds = held.withLock { $0[id] } ?? 0
        var completion = Self.completion(for: result, id: id, refunds: refunds, releasing: stopping, policy: configuration.retry, random: Double.random(in: 0..<1))
        if result.keepWarm, completion.state == .completed || completion.state == .failed {
            completion = Self.reschedule(completion, expires: result.outcome.expires, now: .now, configuration: configuration, random: Double.random(in: 0..<1))
        }
        buffer.withLock { $0.append(completion) }
    }

    static func completion(for result: WarmResult, id: Int64, refunds: Int = 0, releasing: Bool, policy: JobDisposition.Policy, random: Double) -> JobCompletion {
        let failed: Bool
        var itemBytes: Int?
        switch result.outcome {
        case .failed: failed = true
        case .refused: failed = true
        case .filled(_, let bytes, _), .wouldFill(_, let bytes, _): failed = false; itemBytes = bytes
        default: failed = false
        }
        let milliseconds = Int(result.durationMicroseconds / 1000)
        // A job cut short by shutdown goes back untouched.
        if releasing, failed, result.retryable {
            return JobCompletion(id: id, state: .available, outcome: "released", durationMilliseconds: milliseconds, refundAttempt: true)
        }
        let disposition = JobDisposition.decide(
            status: result.status, failed: failed, retryable: result.retryable, retryAfterSeconds: result.retryAfterSeconds,
            attempt: result.attempt, maxAttempts: result.maxAttempts, refunds: refunds, storeUnavailable: result.storeUnavailable, policy: policy, random: random)
        let outcome = result.outcome.category.rawValue
        let error = failed || disposition != .complete ? "\(result.status.map { "HTTP \($0): " } ?? "")\(result.outcome.detail)" : nil
        switch disposition {
        case .complete:
            return JobCompletion(id: id, state: .completed, outcome: outcome, statusCode: result.status, itemBytes: itemBytes, durationMilliseconds: milliseconds)
        case .retry(let delay, let refund):
            return JobCompletion(id: id, state: .retryable, outcome: outcome, statusCode: result.status, durationMilliseconds: milliseconds,
                                 error: error, delaySeconds: delay, refundAttempt: refund)
        case .fail:
            return JobCompletion(id: id, state: .failed, outcome: failed ? outcome : "failed", statusCode: result.status, durationMilliseconds: milliseconds, error: error)
        }
    }

    /// A keep-warm job does not finish: it comes back before its item expires. A failed refresh
    /// keeps the old item (nothing is deleted) and tries again in the next round.
    static func reschedule(_ completion: JobCompletion, expires: Timestamp?, now: Timestamp, configuration: QueueWorker.Configuration, random: Double) -> JobCompletion {
        var next = completion
        next.state = .available
        next.resetAttempts = true
        next.delaySeconds = KeepWarm.nextRun(expires: expires, now: now, refreshLeadSeconds: configuration.refreshLeadSeconds,
                                             maxIntervalSeconds: configuration.keepWarmMaxIntervalSeconds, random: random)
        return next
    }

    func flush() async {
        for attempt in 0..<20 {
            do {
                try await flushOrThrow()
                return
            } catch {
                logger.warning("could not record results; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(5000, 100 << min(attempt, 6))))
            }
        }
        // Nothing is lost: the jobs' leases expire and the rescuer returns them to the queue.
        let count = buffer.withLock { $0.count }
        logger.error("gave up recording results; their jobs go back to the queue when their leases expire", metadata: ["count": "\(count)"])
    }

    private func flushOrThrow() async throws {
        let pending = buffer.withLock { buffer in
            defer { buffer.removeAll() }
            return buffer
        }
        do {
            try await queue.complete(pending, owner: configuration.owner)
            held.withLock { held in for completion in pending { held[completion.id] = nil } }
        } catch {
            buffer.withLock { $0.insert(contentsOf: pending, at: 0) }
            throw error
        }
    }
}
