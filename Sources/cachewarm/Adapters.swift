import CacheWarmCore
import CacheWarmDynamoDB
import CacheWarmEngine
import CacheWarmHTTP

/// The engine's ports, implemented by the adapters (the adapters do not know the engine).
struct DynamoDBItemStore: CacheItemStore {
    let client: DynamoDBClient
    let table: String

    func write(_ items: [Item]) async -> [String: String] {
        let result = await client.batchWrite(table, items: items)
        return Dictionary(result.failed.map { ($0.key, $0.error.description) }, uniquingKeysWith: { first, _ in first })
    }
}

/// `--dry-run`: nothing is written.
struct DiscardingItemStore: CacheItemStore {
    func write(_ items: [Item]) async -> [String: String] { [:] }
}

extension OriginFetcher: OriginFetching {
    public func fetch(_ request: ReaderRequest) async -> Result<FetchedResponse, FetchFailure> {
        do {
            return .success(try await fetch(request) as FetchedResponse)
        } catch {
            return .failure(FetchFailure(reason: error.description, refused: error.kind == .refused, retryable: error.isRetryable))
        }
    }
}
