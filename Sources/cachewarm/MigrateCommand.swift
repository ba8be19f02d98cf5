import ArgumentParser
import CacheWarmPostgres

/// `cachewarm migrate`: creates or upgrades the queue schema.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or upgrade the queue's PostgreSQL schema.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let queue = try database.openQueue()
        do {
            let (from, to) = try await queue.migrate()
            await queue.close()
            print(from == to ? "schema \(queue.schema.name) is up to date (version \(to))" : "schema \(queue.schema.name) migrated from version \(from) to \(to)")
        } catch {
            await queue.close()
            throw DatabaseOptions.mapError(error)
        }
    }
}
