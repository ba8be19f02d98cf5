import CacheWarmCore

/// What workers do with the queue.
extension JobQueue {
    /// Claims up to `max` ready jobs of `queue` in one statement: marked running, attempt
    /// counted, leased to `owner` for `leaseSeconds`. Jobs another worker holds are skipped.
    /// A row that is no valid request comes back as a failed completion, for the caller to
    /// record with its other results: nothing claimed is dropped.
    public func claim(queue: String, max: Int, owner: String, leaseSeconds: Double) async throws -> (jobs: [QueuedJob], invalid: [JobCompletion]) {
        let s = self.s
        let rows = try await connection.run { session in
            try session.query("""
                WITH picked AS (
                    SELECT id FROM \(s).jobs
                    WHERE queue = $1 AND state IN ('available', 'retryable') AND run_at <= now() AND cache_key IS NOT NULL
                    ORDER BY priority DESC, run_at, id
                    LIMIT $2 FOR UPDATE SKIP LOCKED)
                UPDATE \(s).jobs j SET state = 'running', attempt = j.attempt + 1, lease_owner = $3,
                    lease_expires_at = now() + make_interval(secs => $4::float8), started_at = now(), updated_at = now()
                FROM picked WHERE j.id = picked.id
                RETURNING j.id, j.url, j.method, j.headers, j.body, j.settings, j.attempt, j.max_attempts, j.refunds, j.priority, j.run_at, j.keep_warm
                """, [queue, String(max), owner, String(leaseSeconds)])
        }
        var jobs: [QueuedJob] = []
        var invalid: [JobCompletion] = []
        for index in 0..<rows.count {
            guard let id = rows.value(index, "id").flatMap({ Int64($0) }) else { continue }
            switch Self.request(rows, index) {
            case .success(let (request, settings)):
                jobs.append(QueuedJob(id: id, request: request, settings: settings,
                                      attempt: Int(rows.value(index, "attempt") ?? "1") ?? 1, maxAttempts: Int(rows.value(index, "max_attempts") ?? "1") ?? 1,
                                      refunds: Int(rows.value(index, "refunds") ?? "0") ?? 0, keepWarm: rows.value(index, "keep_warm") == "t"))
            case .failure(let problem):
                invalid.append(JobCompletion(id: id, state: .failed, outcome: "failed", error: problem.reason))
            }
        }
        return (jobs, invalid)
    }

    /// Records outcomes in one statement. Only jobs still leased to `owner` change: a job whose
    /// lease expired and was rescued is not overwritten.
    public func complete(_ completions: [JobCompletion], owner: String) async throws {
        guard !completions.isEmpty else { return }
        let s = self.s
        let parameters: [String?] = [
            PostgresArray.literal(completions.map(\.id)),
            PostgresArray.literal(completions.map { $0.state.rawValue }),
            PostgresArray.literal(completions.map { $0.outcome }),
            PostgresArray.literal(completions.map { $0.statusCode.map(String.init) }),
            PostgresArray.literal(completions.map { $0.itemBytes.map(String.init) }),
            PostgresArray.literal(completions.map { $0.durationMilliseconds.map(String.init) }),
            PostgresArray.literal(completions.map(\.error)),
            PostgresArray.literal(completions.map { $0.delaySeconds.map { String($0) } }),
            PostgresArray.literal(completions.map { $0.refundAttempt ? 1 : 0 }),
            owner,
            PostgresArray.literal(completions.map { $0.resetAttempts ? "true" : "false" }),
        ]
        try await connection.run { session in
            try session.query("""
                WITH updated AS (
                UPDATE \(s).jobs j SET
                    state = u.state,
                    outcome = CASE WHEN u.outcome = 'released' THEN j.outcome ELSE u.outcome END,
                    status_code = coalesce(u.status, j.status_code), item_bytes = coalesce(u.item_bytes, j.item_bytes),
                    duration_ms = coalesce(u.duration_ms, j.duration_ms),
                    errors = CASE WHEN u.error IS NULL THEN j.errors
                        ELSE \(s).append_error(j.errors, jsonb_build_object('at', now(), 'attempt', j.attempt, 'error', u.error)) END,
                    run_at = CASE WHEN u.delay IS NOT NULL THEN now() + make_interval(secs => u.delay) ELSE j.run_at END,
                    attempt = CASE WHEN u.reset THEN 0 ELSE j.attempt - u.refund END,
                    refunds = CASE WHEN u.reset THEN 0 WHEN u.state = 'retryable' THEN j.refunds + u.refund ELSE j.refunds END,
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
                    finished_at = CASE WHEN u.state IN ('completed', 'failed') THEN now() END
                FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::text[], $8::float8[], $9::int[], $11::boolean[])
                     AS u(id, state, outcome, status, item_bytes, duration_ms, error, delay, refund, reset)
                WHERE j.id = u.id AND j.lease_owner = $10 AND j.state = 'running'
                RETURNING j.id, j.queue, j.run_id, j.url, u.outcome, u.status, u.item_bytes, u.duration_ms)
                INSERT INTO \(s).outcomes (job_id, queue, run_id, host, outcome, status_code, item_bytes, duration_ms)
                SELECT id, queue, run_id, coalesce(lower(substring(url FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\\[[^]]*\\]|[^:/?#]*)')), ''),
                       outcome, status, item_bytes, duration_ms
                FROM updated WHERE outcome <> 'released'
                """, parameters)
        }
    }

    /// Extends the leases of the jobs this process holds, by id: a process that took over a
    /// dead one's name (same host name and pid in a restarted container) does not keep that
    /// one's jobs alive.
    @discardableResult
    public func renewLeases(owner: String, ids: [Int64], leaseSeconds: Double) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let s = self.s
        return try await connection.run { session in
            try session.query("""
                UPDATE \(s).jobs SET lease_expires_at = now() + make_interval(secs => $2::float8)
                WHERE id = ANY($3::bigint[]) AND lease_owner = $1 AND state = 'running'
                """, [owner, String(leaseSeconds), PostgresArray.literal(ids)]).affected
        }
    }

    /// Returns jobs whose lease expired (their worker crashed or was killed) to the queue, their
    /// attempt counted; jobs out of attempts fail.
    @discardableResult
    public func rescueExpiredLeases() async throws -> Int {
        let s = self.s
        return try await connection.run { session in
            try session.query("""
                UPDATE \(s).jobs SET
                    state = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'retryable' END,
                    outcome = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE outcome END,
                    finished_at = CASE WHEN attempt >= max_attempts THEN now() END,
                    errors = \(s).append_error(errors, jsonb_build_object('at', now(), 'attempt', attempt,
                        'error', 'lease expired: worker ' || coalesce(lease_owner, '?') || ' stopped or lost contact')),
                    run_at = now(), lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE state = 'running' AND lease_expires_at < now()
                """).affected
        }
    }

    /// Deletes finished jobs older than the retention.
    @discardableResult
    public func prune(olderThanSeconds: Double) async throws -> Int {
        let s = self.s
        return try await connection.run { session in
            try session.query("DELETE FROM \(s).outcomes WHERE at < now() - make_interval(secs => $1::float8)", [String(olderThanSeconds)])
            return try session.query("""
                DELETE FROM \(s).jobs WHERE state IN ('completed', 'failed', 'cancelled')
                AND finished_at < now() - make_interval(secs => $1::float8)
                """, [String(olderThanSeconds)]).affected
        }
    }

    public struct Counts: Sendable, Equatable {
        /// Ready now, or retryable (soon).
        public var pending = 0
        public var running = 0
        public var unkeyed = 0
    }

    /// What keeps a drain going: jobs ready or retryable, running, or waiting for their key.
    public func counts(queue: String) async throws -> Counts {
        let s = self.s
        let rows = try await connection.run { session in
            try session.query("""
                SELECT count(*) FILTER (WHERE state = 'retryable' OR (state = 'available' AND run_at <= now())) AS pending,
                       count(*) FILTER (WHERE state = 'running') AS running,
                       count(*) FILTER (WHERE state = 'available' AND cache_key IS NULL) AS unkeyed
                FROM \(s).jobs WHERE queue = $1
                """, [queue])
        }
        return Counts(pending: Int(rows.value(0, "pending") ?? "0") ?? 0, running: Int(rows.value(0, "running") ?? "0") ?? 0,
                      unkeyed: Int(rows.value(0, "unkeyed") ?? "0") ?? 0)
    }

    /// LISTENs on the queue's channel (on this queue's connection) and waits up to `timeout`
    /// for a NOTIFY; true when one came.
    public func waitForWork(timeoutMilliseconds: Int32) async throws -> Bool {
        let channel = schema.channel
        return try await connection.run { session in
            try session.query("LISTEN \"\(channel)\"")
            return !(try session.waitForNotifications(timeoutMilliseconds: timeoutMilliseconds)).isEmpty
        }
    }
}

extension JobQueue {
    public enum StatsGrouping: String, Sendable, CaseIterable {
        case outcome, host, run, queue, hour, day
    }

    /// Outcome counts since `sinceSeconds` ago, per group: [(group, outcome, count, item bytes)].
    public func stats(sinceSeconds: Double, by grouping: StatsGrouping, queue: String?) async throws -> [(group: String, outcome: String, count: Int, itemBytes: Int)] {
        let s = self.s
        let group: String =
            switch grouping {
            case .outcome: "'all'"
            case .host: "host"
            case .run: "coalesce(run_id, '-')"
            case .queue: "queue"
            case .hour: "to_char(date_trunc('hour', at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:00\"Z\"')"
            case .day: "to_char(date_trunc('day', at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            }
        let rows = try await connection.run { session in
            try session.query("""
                SELECT \(group) AS g, outcome, count(*) AS n, coalesce(sum(item_bytes), 0) AS bytes FROM \(s).outcomes
                WHERE at >= now() - make_interval(secs => $1::float8) AND ($2::text IS NULL OR queue = $2)
                GROUP BY 1, 2 ORDER BY 1, 2
                """, [String(sinceSeconds), queue])
        }
        return (0..<rows.count).map {
            (rows.value($0, "g") ?? "", rows.value($0, "outcome") ?? "", Int(rows.value($0, "n") ?? "0") ?? 0, Int(rows.value($0, "bytes") ?? "0") ?? 0)
        }
    }
}

/// Why a queued row cannot become a request.
struct InvalidJob: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
