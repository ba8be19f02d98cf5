import ArgumentParser
import CacheWarmPostgres
import Foundation

/// Where the queue is: a libpq connection string or `postgresql://` URI; libpq's own `PG*`
/// variables and `.pgpass` work too (an empty string means "only those").
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "libpq conninfo or postgresql:// URI (default: CACHEWARM_DATABASE_URL, then PG* variables).")
    var databaseURL: String?

    @Option(name: .customLong("schema"), help: "The queue's PostgreSQL schema.")
    var schema = "cachewarm"

    var conninfo: String {
        databaseURL ?? ProcessInfo.processInfo.environment["CACHEWARM_DATABASE_URL"] ?? ""
    }

    func queueSchema() throws -> QueueSchema {
        do { return try QueueSchema(schema) } catch { throw CLIError.badInput(error.description) }
    }

    /// A queue on its own connection.
    func openQueue() throws -> JobQueue {
        JobQueue(connection: PostgresConnection(conninfo: conninfo), schema: try queueSchema())
    }

    /// An unreachable database is exit 4; an unmigrated or newer schema is exit 4 too, with the fix.
    static func mapError(_ error: any Error) -> any Error {
        if let error = error as? PostgresError { return CLIError.databaseUnavailable(error.description) }
        return error
    }
}
