import ArgumentParser
import CacheWarmDynamoDB

struct TableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table", abstract: "Manage the requests-cache table.", subcommands: [CreateTable.self])

    /// `cachewarm table create`: the table as requests-cache creates it, ACTIVE, with TTL on `ttl`.
    struct CreateTable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create the table like requests-cache does (key S, on-demand) and enable TTL on `ttl`.")

        @OptionGroup var dynamoDB: DynamoDBOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap()
            let table = dynamoDB.table
            try await dynamoDB.withClient(connections: 1, logger: logger) { client in
                do {
                    let created = try await client.createTable(table)
                    let description = try await client.waitUntilActive(table)
                    guard description.matchesRequestsCache else {
                        throw CLIError.dynamoDBUnavailable("table \(table) exists with key schema \(DynamoDBOptions.schemaText(description)); requests-cache needs one HASH key `key` of type S")
                    }
                    try await client.enableTimeToLive(table)
                    print(created ? "created table \(table) at \(client.endpoint) (TTL on ttl)" : "table \(table) already exists at \(client.endpoint) (TTL on ttl)")
                } catch let error as DynamoDBError {
                    throw CLIError.dynamoDBUnavailable(error.description)
                }
            }
        }
    }
}
