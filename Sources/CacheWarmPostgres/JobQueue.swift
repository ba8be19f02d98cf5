import CacheWarmCore

/// The refresh queue in PostgreSQL: enqueue, claim with `FOR UPDATE SKIP LOCKED`, leases, a
/// rescuer, completion in batches, pruning. Every statement is parameterised; the only SQL
/// text built here is the checked schema name.
public final class JobQueue: Sendable {
    public let schema: QueueSchema
    let connection: PostgresConnection

    public init(connection: PostgresConnection, schema: QueueSchema) {
        self.connection = connection
        self.schema = schema
    }

    var s: String { schema.quoted }
    static let unfinished = "state IN ('available', 'retryable', 'running') AND cache_key IS NOT NULL"

    // MARK: Schema

    /// Applies the migrations this build knows; safe when several processes migrate at once.
    public func migrate() async throws -> (from: Int, to: Int) {
        let schema = self.schema
        return try await connection.run { session in
            try session.transaction { session in
                try session.query("SELECT pg_advisory_xact_lock(hashtext($1))", ["cachewarm.migrate." + schema.name])
                try session.execute(script: """
                    CREATE SCHEMA IF NOT EXISTS \(schema.quoted);
                    CREATE TABLE IF NOT EXISTS \(schema.quoted).schema_migrations (
                        version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                    """)
                let current = Int(try session.query("SELECT coalesce(max(version), 0) AS v FROM \(schema.quoted).schema_migrations").value(0, "v") ?? "0") ?? 0
                guard current <= schema.latestVersion else { throw Self.tooNew(current, schema) }
                for (index, sql) in schema.migrations.enumerated() where index + 1 > current {
                    try session.execute(script: sql)
                    try session.query("INSERT INTO \(schema.quoted).schema_migrations (version) VALUES ($1)", [String(index + 1)])
                }
                return (current, schema.latestVersion)
            }
        }
    }

    /// Every command but `migrate` refuses an unmigrated or newer schema.
    public func checkSchema() async throws {
        let schema = self.schema
        try await connection.run { session in
            let version: Int
            do {
                version = Int(try session.query("SELECT coalesce(max(version), 0) AS v FROM \(schema.quoted).schema_migrations").value(0, "v") ?? "0") ?? 0
            } catch let error as PostgresError where ["42P01", "3F000"].contains(error.sqlState ?? "") {
                throw PostgresError(kind: .query, sqlState: error.sqlState, message: "the database has no cachewarm schema \(schema.name): run `cachewarm migrate`")
            }
            if version > schema.latestVersion { throw Self.tooNew(version, schema) }
            if version < schema.latestVersion {
                throw PostgresError(kind: .query, message: "schema \(schema.name) is at version \(version), this cachewarm needs \(schema.latestVersion): run `cachewarm migrate`")
            }
        }
    }

    static func tooNew(_ version: Int, _ schema: QueueSchema) -> PostgresError {
        PostgresError(kind: .query, message: "schema \(schema.name) is at version \(version), newer than this cachewarm knows (\(schema.latestVersion)): upgrade cachewarm")
    }

    // MARK: Enqueue

    public struct EnqueueSummary: Sendable, Equatable {
        public var new = 0
        public var deduplicated = 0
    }

    /// Inserts the jobs in one transaction, many rows per statement. Jobs with the cache key of
    /// an unfinished job collapse into it: the earlier `run_at` and the higher priority win.
    public func enqueue(_ jobs: [NewJob], chunkSize: Int = 5000) async throws -> EnqueueSummary {
        // Duplicates within the input collapse here (one statement may not touch a row twice).
        var merged: [String: NewJob] = [:]
        var order: [String] = []
        for job in jobs {
            if var existing = merged[job.cacheKey] {
                existing.priority = max(existing.priority, job.priority)
                existing.runAt = [existing.runAt, job.runAt].compactMap { $0 }.min()
                merged[job.cacheKey] = existing
            } else {
                merged[job.cacheKey] = job
                order.append(job.cacheKey)
            }
        }
        let unique = order.map { merged[$0]! }
        let schema = self.schema
        let sql = """
            INSERT INTO \(s).jobs (url, method, headers, body, settings, cache_key, queue, priority, run_at, max_attempts, run_id, keep_warm)
            SELECT url, method, headers, body, settings, cache_key, queue, priority, coalesce(run_at, now()), max_attempts, run_id, keep_warm
            FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bytea[], $5::jsonb[], $6::text[], $7::text[], $8::int[],
                        $9::timestamptz[], $10::int[], $11::text[], $12::boolean[])
                 AS t(url, method, headers, body, settings, cache_key, queue, priority, run_at, max_attempts, run_id, keep_warm)
            ON CONFLICT (cache_key) WHERE \(Self.unfinished)
            DO UPDATE SET run_at = least(jobs.run_at, excluded.run_at), priority = greatest(jobs.priority, excluded.priority),
                keep_warm = jobs.keep_warm OR excluded.keep_warm, updated_at = now()
            RETURNING (xmax = 0) AS inserted
            """
        let chunks = stride(from: 0, to: unique.count, by: chunkSize).map { Array(unique[$0..<min($0 + chunkSize, unique.count)]) }
        let parameters = chunks.map(Self.enqueueParameters)
        let queues = Array(Set(unique.map(\.queue)))
        var summary = try await connection.run { session in
            try session.transaction { session in
                var summary = EnqueueSummary()
                for chunk in parameters {
                    let rows = try session.query(sql, chunk)
                    let inserted = rows.rows.filter { $0[0] == "t" }.count
                    summary.new += inserted
                    summary.deduplicated += rows.count - inserted
                }
                for queue in queues { try session.query("SELECT pg_notify($1, $2)", [schema.channel, queue]) }
                return summary
            }
        }
        summary.deduplicated += jobs.count - unique.count
        return summary
    }

    static func enqueueParameters(_ jobs: [NewJob]) -> [String?] {
        [
            PostgresArray.literal(jobs.map { $0.request.url }),
            PostgresArray.literal(jobs.map { $0.request.method }),
            PostgresArray.literal(jobs.map { headersJSON($0.request.headers) }),
            PostgresArray.literal(jobs.map { $0.request.body.map(PostgresArray.bytea) }),
            PostgresArray.literal(settingsJSON(jobs)),
            PostgresArray.literal(jobs.map { $0.cacheKey }),
            PostgresArray.literal(jobs.map { $0.queue }),
            PostgresArray.literal(jobs.map { $0.priority }),
            PostgresArray.literal(jobs.map { $0.runAt?.isoformat }),
            PostgresArray.literal(jobs.map { $0.maxAttempts }),
            PostgresArray.literal(jobs.map { $0.runID }),
            PostgresArray.literal(jobs.map { $0.keepWarm ? "true" : "false" }),
        ]
    }

    /// Jobs of one enqueue usually share their settings: each distinct one is printed once.
    static func settingsJSON(_ jobs: [NewJob]) -> [String?] {
        var last: (ReaderSettings, String)?
        return jobs.map { job in
            if let last, last.0 == job.settings { return last.1 }
            let text = job.settings.json.dumps()
            last = (job.settings, text)
            return text
        }
    }

    static func headersJSON(_ headers: [HTTPHeader]) -> String {
        JSONValue.array(headers.map { .array([.string($0.name), .string($0.value)]) }).dumps()
    }
}

extension JobQueue {
    public func close() async {
        await connection.close()
    }
}
