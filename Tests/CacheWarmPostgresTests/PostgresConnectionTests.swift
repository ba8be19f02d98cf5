import CacheWarmCore
import CacheWarmPostgres
import Foundation
import Testing

/// Against the PostgreSQL server started by scripts/test.sh (CACHEWARM_TEST_DATABASE_URL).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CACHEWARM_TEST_DATABASE_URL"] != nil, "needs PostgreSQL from scripts/test.sh"))
struct PostgresConnectionTests {
    static let url = ProcessInfo.processInfo.environment["CACHEWARM_TEST_DATABASE_URL"] ?? ""

    func withConnection(_ conninfo: String = url, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = PostgresConnection(conninfo: conninfo)
        do { try await body(connection) } catch { await connection.close(); throw error }
        await connection.close()
    }

    @Test func parametersTravelAsTextWithNullsAndNoInjection() async throws {
        try await withConnection { connection in
            let rows = try await connection.run { session in
                try session.query("SELECT $1::text AS a, $2::text AS b, $3::int + 1 AS c", ["it's'; DROP TABLE x; --", nil, "41"])
            }
            #expect(rows.value(0, "a") == "it's'; DROP TABLE x; --")
            #expect(rows.value(0, "b") == nil)
            #expect(rows.value(0, "c") == "42")
        }
    }

    @Test func failuresCarrySQLStateAndTheServersMessageButNotTheParameters() async throws {
        try await withConnection { connection in
            do {
                _ = try await connection.run { session in try session.query("SELECT $1::int", ["secret-value"]) }
                Issue.record("expected an error")
            } catch let error as PostgresError {
                #expect(error.sqlState == "22P02")
                #expect(error.kind == .query)
                #expect(error.description.contains("invalid input syntax"))
                #expect(!error.description.contains("secret-value"))
            }
        }
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() async throws {
        try await withConnection { connection in
            let table = "t_\(UUID().uuidString.prefix(8).lowercased())"
            try await connection.run { session in try session.query("CREATE TABLE \(table) (v int)") }
            struct Stop: Error {}
            _ = try? await connection.run { session in
                try session.transaction { session in
                    try session.query("INSERT INTO \(table) VALUES (1)")
                    throw Stop()
                }
            }
            let count = try await connection.run { session in try session.query("SELECT count(*) AS n FROM \(table)").value(0, "n") }
            #expect(count == "0")
            try await connection.run { session in try session.query("DROP TABLE \(table)") }
        }
    }

    @Test func noticesDoNotReachStandardErrorAndDoNotFail() async throws {
        try await withConnection { connection in
            let value = try await connection.run { session in
                try session.query("DO $$ BEGIN RAISE NOTICE 'hello'; END $$")
                return try session.query("SELECT 1 AS one").value(0, "one")
            }
            #expect(value == "1")
        }
    }

    @Test func anUnreachableServerIsAConnectionErrorWithoutThePassword() async throws {
        try await withConnection("postgresql://postgres:hunter2@127.0.0.1:9/x?connect_timeout=2") { connection in
            do {
                _ = try await connection.run { session in try session.query("SELECT 1") }
                Issue.record("expected an error")
            } catch let error as PostgresError {
                #expect(error.kind == .connection)
                #expect(!error.description.contains("hunter2"))
            }
        }
    }

    @Test func aLostConnectionIsReopenedOnTheNextCall() async throws {
        try await withConnection { connection in
            let pid = try await connection.run { session in try session.query("SELECT pg_backend_pid() AS pid").value(0, "pid") }
            try await withConnection { other in
                _ = try await other.run { session in try session.query("SELECT pg_terminate_backend($1::int)", [pid]) }
            }
            _ = try? await connection.run { session in try session.query("SELECT 1") }
            let again = try await connection.run { session in try session.query("SELECT pg_backend_pid() AS pid").value(0, "pid") }
            #expect(again != nil && again != pid)
        }
    }

    @Test func enqueueDeduplicatesByKeyAndKeepsTheEarlierRunAtAndHigherPriority() async throws {
        let schema = try QueueSchema("t_\(UUID().uuidString.prefix(8).lowercased())")
        let queue = JobQueue(connection: PostgresConnection(conninfo: Self.url), schema: schema)
        let migrated = try await queue.migrate()
        #expect(migrated.from == 0 && migrated.to == schema.latestVersion)
        #expect(try await queue.migrate().from == schema.latestVersion)
        try await queue.checkSchema()
        func job(_ url: String, priority: Int, runAt: Int64) throws -> NewJob {
            let request = ReaderRequest(url: url)
            return NewJob(request: request, settings: ReaderSettings(), cacheKey: try CacheKey(request: request, settings: ReaderSettings()).key,
                          priority: priority, runAt: Timestamp(secondsSinceEpoch: runAt))
        }
        let first = try await queue.enqueue([try job("http://a.test/?x=1&y=2", priority: 1, runAt: 2_000_000_000), try job("http://a.test/other", priority: 0, runAt: 0)])
        #expect(first.new == 2 && first.deduplicated == 0)
        let second = try await queue.enqueue([try job("http://a.test/?y=2&x=1", priority: 7, runAt: 1_900_000_000), try job("http://a.test/?x=1&y=2", priority: 0, runAt: 2_100_000_000)])
        #expect(second.new == 0 && second.deduplicated == 2)
        let claimed = try await queue.claim(queue: "default", max: 10, owner: "t", leaseSeconds: 30)
        #expect(claimed.jobs.map(\.request.url) == ["http://a.test/other"])  // the other one runs in 2030
        await queue.close()
    }
}

struct SettingsJSONTests {
    @Test func readerSettingsRoundTripThroughJSON() throws {
        var settings = ReaderSettings(ignoredParameters: ["token"], matchHeaders: .list(["Accept"]), keyHash: .sha256)
        settings.expiration = ExpirationSettings(expireAfter: .seconds(3600), urlsExpireAfter: [("example.com/api*", .never)], cacheControl: true,
                                                 allowableCodes: [200, 404], allowableMethods: ["GET", "POST"])
        #expect(try ReaderSettings(json: settings.json) == settings)
        #expect(try ReaderSettings(json: .object([])) == ReaderSettings())
    }

    @Test func unknownOrMistypedSettingsAreRejectedByName() {
        #expect(throws: ReaderSettings.JSONError.self) { try ReaderSettings(json: try JSONValue.parse(#"{"expire_afterr": 5}"#)) }
        #expect(throws: ReaderSettings.JSONError.self) { try ReaderSettings(json: try JSONValue.parse(#"{"cache_control": "yes"}"#)) }
        #expect(throws: ReaderSettings.JSONError.self) { try ReaderSettings(json: try JSONValue.parse(#"[1]"#)) }
    }
}
