import CacheWarmCore

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

    /// Entries kept in a job's `errors` history.
    public static let errorHistoryLength = 20

    /// The enqueue function is a boundary: it runs as its owner (SECURITY DEFINER, with a
    /// pinned search_path) so that an enqueuer needs EXECUTE on it and no table privilege, and it
    /// checks what it stores. The worker checks every job again (a bad one fails alone).
    var enqueueFunction: String {
        let s = quoted
        let token = #"^[!#$%&'*+.^_`|~0-9A-Za-z-]"#.replacingOccurrences(of: "'", with: "''")
        let settingsKeys = ReaderSettings.jsonKeys.map { "'\($0)'" }.joined(separator: ", ")
        return """
            DROP FUNCTION \(s).enqueue(text, text, jsonb, bytea, text, integer, timestamptz, integer, jsonb, text, boolean);
            CREATE FUNCTION \(s).enqueue(
                url text, method text DEFAULT 'GET', headers jsonb DEFAULT '[]', body bytea DEFAULT NULL,
                queue text DEFAULT 'default', priority integer DEFAULT 0, run_at timestamptz DEFAULT now(),
                max_attempts integer DEFAULT 5, settings jsonb DEFAULT '{}', run_id text DEFAULT NULL, keep_warm boolean DEFAULT false
            ) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE new_id bigint; header jsonb; unknown text;
            BEGIN
                IF url IS NULL OR octet_length(url) NOT BETWEEN 1 AND \(InvalidRequest.maxURLBytes) OR url !~* '^https?://' THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: url must be an http(s) URL of at most \(InvalidRequest.maxURLBytes) bytes';
                END IF;
                IF method IS NULL OR method !~ '\(token){1,32}$' THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: method must be an HTTP method token (RFC 9110)';
                END IF;
                IF headers IS NULL OR jsonb_typeof(headers) <> 'array' OR jsonb_array_length(headers) > \(InvalidRequest.maxHeaders) THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: headers must be a JSON array of at most \(InvalidRequest.maxHeaders) [name, value] pairs';
                END IF;
                FOR header IN SELECT value FROM jsonb_array_elements(headers) LOOP
                    IF jsonb_typeof(header) <> 'array' OR jsonb_array_length(header) <> 2 OR jsonb_typeof(header->0) <> 'string'
                        OR jsonb_typeof(header->1) <> 'string' OR (header->>0) !~ '\(token)+$' OR octet_length(header->>0) > 256 OR (header->>1) ~ '[\r\n]'
                        OR octet_length(header->>1) > \(InvalidRequest.maxHeaderBytes) THEN
                        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: headers must be [name, value] pairs: a token name, a value without CR or LF';
                    END IF;
                END LOOP;
                IF octet_length(body) > \(InvalidRequest.maxBodyBytes) THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: body must be at most \(InvalidRequest.maxBodyBytes) bytes';
                END IF;
                IF queue IS NULL OR octet_length(queue) NOT BETWEEN 1 AND 128 THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: queue must be 1 to 128 bytes';
                END IF;
                IF priority IS NULL OR priority NOT BETWEEN -1000000 AND 1000000 THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: priority must be between -1000000 and 1000000';
                END IF;
                IF max_attempts IS NULL OR max_attempts NOT BETWEEN 1 AND 100 THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: max_attempts must be between 1 and 100';
                END IF;
                IF run_at IS NULL OR run_at > now() + interval '366 days' THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: run_at must be within a year';
                END IF;
                IF octet_length(run_id) > 256 THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: run_id must be at most 256 bytes';
                END IF;
                IF settings IS NULL OR jsonb_typeof(settings) <> 'object' OR octet_length(settings::text) > 65536 THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: settings must be a JSON object of at most 64 KiB';
                END IF;
                SELECT k INTO unknown FROM jsonb_object_keys(settings) AS k WHERE k <> ALL (ARRAY[\(settingsKeys)]) LIMIT 1;
                IF unknown IS NOT NULL THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('cachewarm.enqueue: settings: unknown setting %L', left(unknown, 64));
                END IF;
                IF jsonb_typeof(settings->'expire_after') = 'number' AND NOT ((settings->>'expire_after')::numeric BETWEEN -1 AND \(ExpireAfter.maxSeconds)
                    AND (settings->>'expire_after')::numeric = trunc((settings->>'expire_after')::numeric)) THEN
                    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'cachewarm.enqueue: settings: expire_after must be whole seconds from -1 to \(ExpireAfter.maxSeconds)';
                END IF;
                INSERT INTO \(s).jobs (url, method, headers, body, queue, priority, run_at, max_attempts, settings, run_id, keep_warm)
                VALUES (url, upper(method), headers, body, queue, priority, run_at, max_attempts, settings, run_id, keep_warm)
                RETURNING id INTO new_id;
                PERFORM pg_notify('\(channel)', queue);
                RETURN new_id;
            END
            $fn$;
            -- Only roles granted EXECUTE may enqueue (see the README's least-privilege role).
            REVOKE ALL ON FUNCTION \(s).enqueue(text, text, jsonb, bytea, text, integer, timestamptz, integer, jsonb, text, boolean) FROM PUBLIC;
            """
    }

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
            """
            -- Retry-After refunds are counted (and capped by the worker).
            ALTER TABLE \(s).jobs ADD COLUMN refunds integer NOT NULL DEFAULT 0;
            -- A job's error history keeps its last entries only.
            CREATE FUNCTION \(s).append_error(history jsonb, entry jsonb) RETURNS jsonb
            LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT coalesce(jsonb_agg(e ORDER BY i), '[]'::jsonb) FROM (
                    SELECT e, i FROM jsonb_array_elements(history || jsonb_build_array(entry)) WITH ORDINALITY AS t(e, i)
                    ORDER BY i DESC LIMIT \(Self.errorHistoryLength)) kept
            $fn$;
            \(enqueueFunction)
            """,
        ]
    }
}
