import CacheWarmCore

/// Keys for jobs enqueued through SQL, and reading a job row into a request.
extension JobQueue {
    /// Gives keys to jobs enqueued through SQL (which cannot compute requests-cache keys). A job
    /// whose key an unfinished job already has is folded into it; a job whose URL or settings
    /// are invalid fails with the reason. Returns how many jobs were looked at.
    ///
    /// The jobs are first leased to `owner` with their attempt counted, in a committed
    /// statement: should keying one ever stop the process, the job is not handed out again and
    /// again with its attempt count standing still, and it fails once its attempts are spent.
    public func keyUnkeyedJobs(limit: Int = 500, owner: String, leaseSeconds: Double) async throws -> Int {
        let s = self.s
        let rows = try await connection.run { session in
            try session.query("""
                WITH picked AS (
                    SELECT id FROM \(s).jobs WHERE cache_key IS NULL AND state = 'available'
                        AND (lease_expires_at IS NULL OR lease_expires_at < now())
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                UPDATE \(s).jobs j SET attempt = j.attempt + 1, lease_owner = $2,
                    lease_expires_at = now() + make_interval(secs => $3::float8), updated_at = now()
                FROM picked WHERE j.id = picked.id
                RETURNING j.id, j.url, j.method, j.headers, j.body, j.settings, j.priority, j.run_at, j.attempt, j.max_attempts
                """, [String(limit), owner, String(leaseSeconds)])
        }
        guard rows.count > 0 else { return 0 }
        let keyed: [(id: String, key: Result<String, InvalidJob>, runAt: String?, priority: String?)] = (0..<rows.count).compactMap { index in
            guard let id = rows.value(index, "id") else { return nil }
            let attempt = Int(rows.value(index, "attempt") ?? "") ?? 1, maxAttempts = Int(rows.value(index, "max_attempts") ?? "") ?? 1
            // Earlier tries at keying this job never finished: the worker stopped while keying it.
            let key = attempt > maxAttempts
                ? .failure(InvalidJob("invalid job: keying it stopped the worker \(attempt - 1) times"))
                : Self.key(rows, index)
            return (id, key, rows.value(index, "run_at"), rows.value(index, "priority"))
        }
        try await connection.run { session in
            try session.transaction { session in
                for job in keyed {
                    switch job.key {
                    case .failure(let invalid):
                        try session.query("""
                            UPDATE \(s).jobs SET state = 'failed', outcome = 'failed', finished_at = now(), updated_at = now(),
                                lease_owner = NULL, lease_expires_at = NULL,
                                errors = \(s).append_error(errors, jsonb_build_object('at', now(), 'attempt', attempt, 'error', $2::text))
                            WHERE id = $1 AND lease_owner = $3
                            """, [job.id, invalid.reason, owner])
                        try session.query("""
                            INSERT INTO \(s).outcomes (job_id, queue, run_id, host, outcome) SELECT id, queue, run_id, '', 'failed'
                            FROM \(s).jobs WHERE id = $1
                            """, [job.id])
                    case .success(let key):
                        try session.query("SAVEPOINT keying")
                        do {
                            // Keyed: the attempt taken for keying is given back.
                            try session.query("""
                                UPDATE \(s).jobs SET cache_key = $2, attempt = attempt - 1, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                                WHERE id = $1 AND lease_owner = $3
                                """, [job.id, key, owner])
                            try session.query("RELEASE SAVEPOINT keying")
                        } catch let error as PostgresError where error.sqlState == PostgresError.uniqueViolation {
                            try session.query("ROLLBACK TO SAVEPOINT keying")
                            try session.query("""
                                UPDATE \(s).jobs SET run_at = least(run_at, $2::timestamptz), priority = greatest(priority, $3::int), updated_at = now()
                                WHERE cache_key = $1 AND \(Self.unfinished)
                                """, [key, job.runAt, job.priority])
                            try session.query("""
                                UPDATE \(s).jobs SET state = 'cancelled', outcome = 'duplicate', cache_key = $2, finished_at = now(), updated_at = now(),
                                    lease_owner = NULL, lease_expires_at = NULL,
                                    errors = \(s).append_error(errors, jsonb_build_object('at', now(), 'error', 'duplicate of an unfinished job with the same cache key'))
                                WHERE id = $1
                                """, [job.id, key])
                        }
                    }
                }
            }
        }
        return rows.count
    }

    static func key(_ rows: PostgresRows, _ index: Int) -> Result<String, InvalidJob> {
        switch request(rows, index) {
        case .failure(let reason): return .failure(reason)
        case .success(let (request, settings)):
            do {
                return .success(try CacheKey(request: request, settings: settings).key)
            } catch {
                return .failure(InvalidJob("invalid job: \(error.description)"))
            }
        }
    }

    /// A row's request and reader settings; invalid JSON is a reason, not a crash.
    static func request(_ rows: PostgresRows, _ index: Int) -> Result<(ReaderRequest, ReaderSettings), InvalidJob> {
        guard let headersJSON = try? JSONValue.parse(rows.value(index, "headers") ?? "[]"), let list = headersJSON.array else {
            return .failure(InvalidJob("invalid job: headers must be a JSON array of [name, value] pairs"))
        }
        var headers: [HTTPHeader] = []
        for pair in list {
            guard let items = pair.array, items.count == 2, let name = items[0].string, let value = items[1].string else {
                return .failure(InvalidJob("invalid job: headers must be a JSON array of [name, value] pairs"))
            }
            headers.append(HTTPHeader(name: name, value: value))
        }
        let settings: ReaderSettings
        do {
            settings = try ReaderSettings(json: try JSONValue.parse(rows.value(index, "settings") ?? "{}"))
        } catch let error as ReaderSettings.JSONError {
            return .failure(InvalidJob("invalid job: settings: \(error.description)"))
        } catch {
            return .failure(InvalidJob("invalid job: settings must be a JSON object"))
        }
        let request = ReaderRequest(
            method: (rows.value(index, "method") ?? "GET").uppercased(), url: rows.value(index, "url") ?? "", headers: headers,
            body: rows.value(index, "body").map(PostgresArray.decodeBytea))
        return .success((request, settings))
    }
}
