import AsyncHTTPClient
import CacheWarmCore
@testable import CacheWarmDynamoDB
import Foundation
import Logging
import Testing

/// Against moto's DynamoDB server started by scripts/test.sh (AWS_ENDPOINT_URL_DYNAMODB).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["AWS_ENDPOINT_URL_DYNAMODB"] != nil, "needs moto from scripts/test.sh"))
struct DynamoDBClientTests {
    static func withClient(retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)), endpoint: String? = nil,
                           _ body: (DynamoDBClient, String) async throws -> Void) async throws {
        let http = DynamoDBClient.makeHTTPClient(connections: 4)
        var configuration = try DynamoDBConfiguration.fromEnvironment(ProcessInfo.processInfo.environment, endpointURL: endpoint)
        configuration.retry = retry
        configuration.requestTimeout = .seconds(5)
        let client = DynamoDBClient(http: http, configuration: configuration, logger: Logger(label: "test"))
        let table = "t_" + UUID().uuidString.prefix(8).lowercased()
        do {
            try await body(client, table)
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    static func item(_ key: String, bodyBytes: Int = 10) -> Item {
        ["key": .s(key), "value": .m(["_content": .b([UInt8](repeating: 0x41, count: bodyBytes)), "status_code": .n("200")]), "ttl": .n("1795544714")]
    }

    @Test func createsTheTableLikeRequestsCacheAndEnablesTTL() async throws {
        try await Self.withClient { client, table in
            #expect(try await client.describeTable(table) == nil)
            #expect(try await client.createTable(table) == true)
            let description = try await client.waitUntilActive(table)
            #expect(description.matchesRequestsCache)
            try await client.enableTimeToLive(table)
            let ttl = try await client.describeTimeToLive(table)
            #expect(ttl.attribute == "ttl")
            #expect(ttl.status == "ENABLED")
            #expect(try await client.createTable(table) == false)
        }
    }

    @Test func putGetAndDeleteRoundTripEveryAttributeType() async throws {
        try await Self.withClient { client, table in
            _ = try await client.createTable(table)
            var item = Self.item("k1")
            item["value"] = .m(["s": .s("é\"\n"), "n": .n("12345678901234567890"), "b": .b([0, 1, 255]), "t": .bool(true), "z": .null, "l": .l([.s("a"), .n("1")])])
            try await client.putItem(table, item)
            #expect(try await client.getItem(table, key: "k1", consistentRead: true) == item)
            try await client.deleteItem(table, key: "k1")
            #expect(try await client.getItem(table, key: "k1", consistentRead: true) == nil)
        }
    }

    @Test func batchWriteSplitsIntoRequestsOf25AndBatchGetReadsThemBack() async throws {
        try await Self.withClient { client, table in
            _ = try await client.createTable(table)
            let items = (0..<130).map { Self.item("key\($0)") }
            let result = await client.batchWrite(table, items: items)
            #expect(result.failed.isEmpty)
            #expect(Set(result.written) == Set(items.map { if case .s(let k)? = $0["key"] { k } else { "" } }))
            let read = try await client.batchGetItems(table, keys: (0..<130).map { "key\($0)" } + ["missing"], projection: ["key", "ttl"])
            #expect(read.count == 130)
            #expect(read["key7"] == ["key": .s("key7"), "ttl": .n("1795544714")])
        }
    }

    @Test func chunksRespectCountBytesAndDuplicateKeys() {
        let small = (0..<60).map { (key: "k\($0 % 50)", json: [UInt8](repeating: 0, count: 10)) }
        let chunks = DynamoDBClient.chunks(small).map { $0.map(\.key) }
        #expect(chunks.allSatisfy { $0.count <= 25 && Set($0).count == $0.count })
        #expect(chunks.map(\.count).reduce(0, +) == 60)
        // 23 items of 700,000 bytes fit in 16 MB, 24 do not.
        let big = (0..<100).map { (key: "b\($0)", json: [UInt8](repeating: 0, count: 700_000)) }
        let bigChunks = DynamoDBClient.chunks(big).map { $0.map(\.key) }
        #expect(bigChunks.map(\.count) == [23, 23, 23, 23, 8])
    }

    @Test func aRejectedItemIsReportedWithItsKeyAndDoesNotBreakItsBatch() async throws {
        try await Self.withClient { client, table in
            _ = try await client.createTable(table)
            // moto rejects items over 405,000 bytes with ValidationException.
            let items = [Self.item("good1"), Self.item("too-big", bodyBytes: 420_000), Self.item("good2")]
            let result = await client.batchWrite(table, items: items)
            #expect(Set(result.written) == ["good1", "good2"])
            #expect(result.failed.map(\.key) == ["too-big"])
            #expect(result.failed.first?.error.type == "ValidationException")
            #expect(try await client.getItem(table, key: "good2", consistentRead: true) != nil)
        }
    }

    @Test func anUnreachableEndpointIsReportedAsUnreachable() async throws {
        try await Self.withClient(retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)), endpoint: "http://127.0.0.1:1") { client, table in
            do {
                _ = try await client.describeTable(table)
                Issue.record("expected an error")
            } catch let error as DynamoDBError {
                #expect(error.kind == .unreachable)
                #expect(!error.description.contains("testing"))
            }
        }
    }

    @Test func awsErrorsCarryTypeMessageAndStatus() async throws {
        try await Self.withClient { client, table in
            do {
                try await client.putItem(table, Self.item("x"))
                Issue.record("expected ResourceNotFoundException")
            } catch let error as DynamoDBError {
                #expect(error.type == "ResourceNotFoundException")
                #expect(error.httpStatus == 400)
                #expect(!error.isRetryable)
            }
        }
    }
}

struct RetryPolicyTests {
    @Test func fullJitterStaysUnderTheExponentialCeilingAndTheCap() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.delay(attempt: 0, random: 0.999) < .milliseconds(100))
        #expect(policy.delay(attempt: 3, random: 0.5) == .milliseconds(400))
        #expect(policy.delay(attempt: 20, random: 0.999) <= .seconds(1))
        #expect(policy.delay(attempt: 2, random: 0) == .zero)
    }

    @Test func onlyThrottlingServerErrorsAndTransportFailuresAreRetried() {
        let policy = RetryPolicy(maxAttempts: 3)
        let throttled = DynamoDBError(kind: .service, type: "ProvisionedThroughputExceededException", message: "", httpStatus: 400)
        #expect(policy.shouldRetry(throttled, attempt: 0))
        #expect(!policy.shouldRetry(throttled, attempt: 2))
        #expect(policy.shouldRetry(DynamoDBError(kind: .service, type: "InternalServerError", message: "", httpStatus: 500), attempt: 0))
        #expect(policy.shouldRetry(DynamoDBError(kind: .unreachable, type: "Unreachable", message: ""), attempt: 0))
        #expect(!policy.shouldRetry(DynamoDBError(kind: .service, type: "ValidationException", message: "", httpStatus: 400), attempt: 0))
    }
}
