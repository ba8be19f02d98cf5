import ArgumentParser
import AsyncHTTPClient
import CacheWarmDynamoDB
import CacheWarmEngine
import Foundation
import Logging

/// Where the cache table is. Region and credentials come from the environment, as the AWS
/// SDKs read them (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`).
struct DynamoDBOptions: ParsableArguments {
    @Option(help: "DynamoDB table (requests-cache's default is http_cache).")
    var table = "http_cache"

    @Option(name: .customLong("endpoint-url"), help: "DynamoDB endpoint (default: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, or AWS's).")
    var endpointURL: String?

    @Flag(name: .customLong("no-table-check"), help: "Skip DescribeTable at start-up (credentials without dynamodb:DescribeTable).")
    var noTableCheck = false

    func configuration() throws -> DynamoDBConfiguration {
        do {
            return try DynamoDBConfiguration.fromEnvironment(ProcessInfo.processInfo.environment, endpointURL: endpointURL)
        } catch {
            throw CLIError.badInput(error.description)
        }
    }

    /// Runs `body` with a client whose HTTP connections are shut down afterwards.
    func withClient<T>(connections: Int, logger: Logger, _ body: (DynamoDBClient) async throws -> T) async throws -> T {
        let configuration = try configuration()
        let http = DynamoDBClient.makeHTTPClient(connections: connections)
        let client = DynamoDBClient(http: http, configuration: configuration, logger: logger)
        do {
            let value = try await body(client)
            try await http.shutdown()
            return value
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// The store a run writes to: nothing for a dry run (no DynamoDB needed at all), otherwise
    /// the checked table.
    func withItemStore<T>(dryRun: Bool, logger: Logger, _ body: (any CacheItemStore) async throws -> T) async throws -> T {
        if dryRun { return try await body(DiscardingItemStore()) }
        return try await withClient(connections: 4, logger: logger) { client in
            try await checkTable(client)
            return try await body(DynamoDBItemStore(client: client, table: table))
        }
    }

    /// The table must exist and have requests-cache's key schema; exit 3 otherwise.
    func checkTable(_ client: DynamoDBClient) async throws {
        if noTableCheck { return }
        let description: DynamoDBClient.TableDescription?
        do {
            description = try await client.describeTable(table)
        } catch {
            throw CLIError.dynamoDBUnavailable("cannot reach \(client.endpoint): \(error.description)")
        }
        guard let description else {
            throw CLIError.dynamoDBUnavailable("table \(table) does not exist at \(client.endpoint); create it with `cachewarm table create --table \(table)`")
        }
        guard description.matchesRequestsCache else {
            throw CLIError.dynamoDBUnavailable("table \(table) has key schema \(Self.schemaText(description)); requests-cache needs one HASH key `key` of type S")
        }
    }

    static func schemaText(_ description: DynamoDBClient.TableDescription) -> String {
        description.keySchema.map { "\($0.name) \($0.keyType) \($0.attributeType ?? "?")" }.joined(separator: ", ")
    }
}
