/// The queue's own PostgreSQL schema, created and upgraded by numbered, idempotent migrations
/// recorded in `<schema>.schema_migrations`, under an advisory lock.
public struct QueueSchema: Sendable {
    public let name: String
    /// `"name"`, for SQL text. The name is checked to be a plain identifier when made.
    let quoted: String

    public struct InvalidName: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ name: String = "cachewarm") throws(InvalidName) {
        guard let first = name.unicodeScalars.first, name.count <= 63,
            first == "_" || ("a"..."z").contains(first),
            name.unicodeScalars.allSatisfy({ $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        else { throw InvalidName(description: "schema name '\(name)' must be a lower-case identifier (a-z, 0-9, _)") }
        self.name = name
        quoted = "\"\(name)\""
    }

    /// NOTIFY channel that wakes idle workers.
    public var channel: String { "\(name)_jobs" }

    /// The latest migration this build knows.
    public var latestVersion: Int { migrations.count }

    /// Each migration runs once, in order, in the transaction that records it.
    var migrations: [String] {
        let s = quoted
        return [
            """
            CREATE TABLE \(s).jobs (
                id bigserial PRIMARY KEY,
                queue text NOT NULL DEFAULT 'default',
                url text NOT NULL,
                method text NOT NULL DEFAULT 'GET',
                headers jsonb NOT NULL DEFAULT '[]',
                body bytea,
                settings jsonb NOT NULL DEFAULT '{}',
                cache_key text,
                priority integer NOT NULL DEFAULT 0,
                run_at timestamptz NOT NULL DEFAULT now(),
                attempt integer NOT NULL DEFAULT 0,
                max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
                state text NOT NULL DEFAULT 'available'
                    CHECK (state IN ('available', 'running', 'completed', 'retryable', 'failed', 'cancelled')),
                lease_owner text,
                lease_expires_at timestamptz,
                errors jsonb NOT NULL DEFAULT '[]',
                outcome text,
                status_code integer,
                item_bytes integer,
                duration_ms integer,
                run_id text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                started_at timestamptz,
                finished_at timestamptz
            );
            -- The claim: ready jobs of a queue, best first.
            CREATE INDEX jobs_claim ON \(s).jobs (queue, priority DESC, run_at, id) WHERE state IN ('available', 'retryable');
            -- At most one unfinished job per cache key: duplicates collapse.
            CREATE UNIQUE INDEX jobs_pending_key ON \(s).jobs (cache_key)
                WHERE state IN ('available', 'retryable', 'running') AND cache_key IS NOT NULL;
            -- Jobs enqueued through SQL wait for their key (computed by the worker).
            CREATE INDEX jobs_unkeyed ON \(s).jobs (id) WHERE cache_key IS NULL AND state = 'available';
            CREATE INDEX jobs_leases ON \(s).jobs (lease_expires_at) WHERE state = 'running';
            CREATE INDEX jobs_finished ON \(s).jobs (finished_at) WHERE state IN ('completed', 'failed', 'cancelled');

            -- Enqueue from any language with one statement. The cache key is computed by the worker
            -- that picks the job up, which then folds it into an unfinished job with the same key.
            CREATE FUNCTION \(s).enqueue(
                url text, method text DEFAULT 'GET', headers jsonb DEFAULT '[]', body bytea DEFAULT NULL,
                queue text DEFAULT 'default', priority integer DEFAULT 0, run_at timestamptz DEFAULT now(),
                max_attempts integer DEFAULT 5, settings jsonb DEFAULT '{}', run_id text DEFAULT NULL
            ) RETURNS bigint LANGUAGE plpgsql AS $fn$
            DECLARE new_id bigint;
            BEGIN
                INSERT INTO \(s).jobs (url, method, headers, body, queue, priority, run_at, max_attempts, settings, run_id)
                VALUES (url, upper(method), headers, body, queue, priority, run_at, max_attempts, settings, run_id)
                RETURNING id INTO new_id;
                PERFORM pg_notify('\(channel)', queue);
                RETURN new_id;
            END
            $fn$;
            """,
            """
            ALTER TABLE \(s).jobs ADD COLUMN keep_warm boolean NOT NULL DEFAULT false;
            DROP FUNCTION \(s).enqueue(text, text, jsonb, bytea, text, integer, timestamptz, integer, jsonb, text);
            CREATE FUNCTION \(s).enqueue(
                url text, method text DEFAULT 'GET', headers jsonb DEFAULT '[]', body bytea DEFAULT NULL,
                queue text DEFAULT 'default', priority integer DEFAULT 0, run_at timestamptz DEFAULT now(),
                max_attempts integer DEFAULT 5, settings jsonb DEFAULT '{}', run_id text DEFAULT NULL, keep_warm boolean DEFAULT false
            ) RETURNS bigint LANGUAGE plpgsql AS $fn$
            DECLARE new_id bigint;
            BEGIN
                INSERT INTO \(s).jobs (url, method, headers, body, queue, priority, run_at, max_attempts, settings, run_id, keep_warm)
                VALUES (url, upper(method), headers, body, queue, priority, run_at, max_attempts, settings, run_id, keep_warm)
                RETURNING id INTO new_id;
                PERFORM pg_notify('\(channel)', queue);
                RETURN new_id;
            END
            $fn$;
            """,
            """
            -- One row per attempt's outcome: the statistics over time (jobs keep only their last).
            CREATE TABLE \(s).outcomes (
                id bigserial PRIMARY KEY,
                job_id bigint NOT NULL,
                queue text NOT NULL,
                run_id text,
                host text NOT NULL,
                outcome text NOT NULL,
                status_code integer,
                item_bytes integer,
                duration_ms integer,
                at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX outcomes_at ON \(s).outcomes (at);
            """,
        ]
    }
}
