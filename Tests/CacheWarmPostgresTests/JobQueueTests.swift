import CacheWarmCore
import CacheWarmPostgres
import Foundation
import Testing

/// The queue's SQL against the PostgreSQL server started by scripts/test.sh: a fresh schema per test.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CACHEWARM_TEST_DATABASE_URL"] != nil, "needs PostgreSQL from scripts/test.sh"))
struct JobQueueTests {
    static let url = ProcessInfo.processInfo.environment["CACHEWARM_TEST_DATABASE_URL"] ?? ""

    /// A migrated schema, its queue, and a plain connection for looking at rows.
    func withQueue(_ body: (JobQueue, PostgresConnection, String) async throws -> Void) async throws {
        let schema = try QueueSchema("q_\(UUID().uuidString.prefix(8).lowercased())")
        let queue = JobQueue(connection: PostgresConnection(conninfo: Self.url), schema: schema)
        let look = PostgresConnection(conninfo: Self.url)
        _ = try await queue.migrate()
        do { try await body(queue, look, schema.name) } catch { await queue.close(); await look.close(); throw error }
        await queue.close()
        await look.close()
    }

    func sql(_ connection: PostgresConnection, _ text: String, _ parameters: [String?] = []) async throws -> String? {
        try await connection.run { session in try session.query(text, parameters).rows.first?.first ?? nil }
    }

    func enqueue(_ queue: JobQueue, _ urls: [String]) async throws {
        _ = try await queue.enqueue(try urls.map { url in
            let request = ReaderRequest(url: url)
            return NewJob(request: request, settings: ReaderSettings(), cacheKey: try CacheKey(request: request, settings: ReaderSettings()).key)
        })
    }

    @Test func claimLeasesCountsTheAttemptAndCompleteRecordsOnlyWhileLeased() async throws {
        try await withQueue { queue, look, s in
            try await enqueue(queue, ["http://a.test/1", "http://a.test/2"])
            let claimed = try await queue.claim(queue: "default", max: 10, owner: "w1", leaseSeconds: 30)
            #expect(claimed.jobs.count == 2 && claimed.invalid.isEmpty)
            #expect(claimed.jobs.allSatisfy { $0.attempt == 1 })
            #expect(try await queue.claim(queue: "default", max: 10, owner: "w2", leaseSeconds: 30).jobs.isEmpty)
            let (first, second) = (claimed.jobs[0].id, claimed.jobs[1].id)
            // A stranger's result is ignored; the holder's is recorded.
            try await queue.complete([JobCompletion(id: first, state: .completed, outcome: "filled")], owner: "w2")
            #expect(try await sql(look, "SELECT state FROM \(s).jobs WHERE id = $1", [String(first)]) == "running")
            try await queue.complete([JobCompletion(id: first, state: .completed, outcome: "filled"),
                                      JobCompletion(id: second, state: .retryable, outcome: "failed", error: "timeout", delaySeconds: 0)], owner: "w1")
            #expect(try await sql(look, "SELECT state || ' ' || outcome FROM \(s).jobs WHERE id = $1", [String(first)]) == "completed filled")
            #expect(try await sql(look, "SELECT state || ' ' || attempt FROM \(s).jobs WHERE id = $1", [String(second)]) == "retryable 1")
            #expect(try await sql(look, "SELECT count(*) FROM \(s).outcomes") == "2")
        }
    }

    @Test func leasesAreRenewedOnlyForTheIdsAProcessHolds() async throws {
        try await withQueue { queue, look, s in
            try await enqueue(queue, ["http://a.test/1", "http://a.test/2"])
            let claimed = try await queue.claim(queue: "default", max: 10, owner: "host-1", leaseSeconds: 1)
            // A new process under the same name holds only the first job.
            #expect(try await queue.renewLeases(owner: "host-1", ids: [claimed.jobs[0].id], leaseSeconds: 600) == 1)
            #expect(try await queue.renewLeases(owner: "host-1", ids: [], leaseSeconds: 600) == 0)
            let deadline = ContinuousClock.now + .seconds(10)
            while try await queue.rescueExpiredLeases() == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            #expect(try await sql(look, "SELECT state FROM \(s).jobs WHERE id = $1", [String(claimed.jobs[0].id)]) == "running")
            #expect(try await sql(look, "SELECT state FROM \(s).jobs WHERE id = $1", [String(claimed.jobs[1].id)]) == "retryable")
        }
    }

    @Test func refundsAreCountedAndTheErrorHistoryKeepsItsLastEntries() async throws {
        try await withQueue { queue, look, s in
            try await enqueue(queue, ["http://a.test/busy"])
            let length = QueueSchema.errorHistoryLength
            for round in 0..<(length + 5) {
                let job = try #require(try await queue.claim(queue: "default", max: 1, owner: "w", leaseSeconds: 30).jobs.first)
                #expect(job.refunds == round)
                #expect(job.attempt == 1)
                try await queue.complete([JobCompletion(id: job.id, state: .retryable, outcome: "failed", error: "HTTP 429: round \(round)",
                                                        delaySeconds: 0, refundAttempt: true)], owner: "w")
            }
            #expect(try await sql(look, "SELECT jsonb_array_length(errors) FROM \(s).jobs") == String(length))
            #expect(try await sql(look, "SELECT errors->-1->>'error' FROM \(s).jobs") == "HTTP 429: round \(length + 4)")
            #expect(try await sql(look, "SELECT refunds FROM \(s).jobs") == String(length + 5))
        }
    }

    @Test func keyingFailsABadJobAloneNamingTheFieldAndFoldsDuplicates() async throws {
        try await withQueue { queue, look, s in
            try await enqueue(queue, ["http://a.test/?b=2&a=1"])
            for call in [
                "SELECT \(s).enqueue('http://a.test/?a=1&b=2')",
                "SELECT \(s).enqueue('http://a.test/ok')",
                "SELECT \(s).enqueue('http://a.test/huge', settings => '{\"urls_expire_after\": {\"*\": \"20000000000000w\"}}')",
                "SELECT \(s).enqueue('http://a.test/deep', method => 'POST', headers => '[[\"Content-Type\", \"application/json\"]]', body => convert_to(repeat('[', 100000), 'UTF8'), settings => '{\"allowable_methods\": [\"POST\"]}')",
            ] { _ = try await sql(look, call) }
            #expect(try await queue.keyUnkeyedJobs(limit: 10, owner: "w", leaseSeconds: 30) == 4)
            #expect(try await sql(look, "SELECT state || ' ' || outcome FROM \(s).jobs WHERE url = 'http://a.test/?a=1&b=2'") == "cancelled duplicate")
            #expect(try await sql(look, "SELECT state || ' ' || attempt FROM \(s).jobs WHERE url = 'http://a.test/ok'") == "available 0")
            let huge = try await sql(look, "SELECT state || ' ' || attempt || ' ' || (errors->0->>'error') FROM \(s).jobs WHERE url = 'http://a.test/huge'")
            #expect(huge?.hasPrefix("failed 1 invalid job: settings: urls_expire_after.*") == true, "\(huge ?? "")")
            // A JSON body nested too deep is keyed as raw bytes, as any body that does not parse.
            #expect(try await sql(look, "SELECT state FROM \(s).jobs WHERE url = 'http://a.test/deep'") == "available")
            #expect(try await queue.keyUnkeyedJobs(limit: 10, owner: "w", leaseSeconds: 30) == 0)
        }
    }

    @Test func aJobWhoseKeyingNeverFinishesFailsOnceItsAttemptsAreSpent() async throws {
        try await withQueue { queue, look, s in
            _ = try await sql(look, "SELECT \(s).enqueue('http://a.test/x', max_attempts => 2)")
            // As if two workers had stopped while keying it: each took an attempt and a lease that expired.
            _ = try await sql(look, "UPDATE \(s).jobs SET attempt = 2, lease_owner = 'gone', lease_expires_at = now() - interval '1 s'")
            #expect(try await queue.keyUnkeyedJobs(limit: 10, owner: "w", leaseSeconds: 30) == 1)
            let row = try await sql(look, "SELECT state || ' ' || (errors->0->>'error') FROM \(s).jobs")
            #expect(row == "failed invalid job: keying it stopped the worker 2 times")
        }
    }

    @Test func claimHandsBackInvalidRowsAsFailedCompletionsInsteadOfDroppingThem() async throws {
        try await withQueue { queue, look, s in
            try await enqueue(queue, ["http://a.test/good"])
            _ = try await sql(look, "INSERT INTO \(s).jobs (url, cache_key, settings) VALUES ('http://a.test/bad', 'k', '{\"expire_after\": \"soon\"}')")
            let claimed = try await queue.claim(queue: "default", max: 10, owner: "w", leaseSeconds: 30)
            #expect(claimed.jobs.map(\.request.url) == ["http://a.test/good"])
            #expect(claimed.invalid.count == 1)
            #expect(claimed.invalid.first?.error?.hasPrefix("invalid job: settings: expire_after") == true)
            try await queue.complete(claimed.invalid, owner: "w")
            #expect(try await sql(look, "SELECT state FROM \(s).jobs WHERE url = 'http://a.test/bad'") == "failed")
        }
    }

    @Test func theEnqueueFunctionChecksWhatItStoresWithClearErrors() async throws {
        try await withQueue { _, look, s in
            let cases: [(String, String)] = [
                ("'ftp://a.test/'", "url must be an http(s) URL"),
                ("'http://a.test/', method => E'GET\\r\\nX: 1'", "method must be an HTTP method token"),
                ("'http://a.test/', headers => '[[\"X-A\", \"1\\r\\nX-B: 2\"]]'", "headers must be [name, value] pairs"),
                ("'http://a.test/', headers => '{\"a\": 1}'", "headers must be a JSON array"),
                ("'http://a.test/', body => convert_to(repeat('x', 1048577), 'UTF8')", "body must be at most"),
                ("'http://a.test/', max_attempts => 0", "max_attempts must be between 1 and 100"),
                ("'http://a.test/', priority => 2000000000", "priority must be between"),
                ("'http://a.test/', settings => '{\"expire_afterr\": 1}'", "unknown setting 'expire_afterr'"),
                ("'http://a.test/', settings => '{\"expire_after\": 1e30}'", "expire_after must be whole seconds"),
            ]
            for (arguments, message) in cases {
                do {
                    _ = try await sql(look, "SELECT \(s).enqueue(\(arguments))")
                    Issue.record("accepted \(arguments)")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "22023", "\(arguments)")
                    #expect(error.description.contains(message), "\(error.description)")
                }
            }
            #expect(try await sql(look, "SELECT count(*) FROM \(s).jobs") == "0")
            #expect(try await sql(look, "SELECT prosecdef FROM pg_proc WHERE proname = 'enqueue' AND pronamespace = '\(s)'::regnamespace") == "t")
        }
    }
}
