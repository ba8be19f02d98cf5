import CacheWarmCore

/// Item operations.
extension DynamoDBClient {
    /// BatchWriteItem's own limits, enforced here because moto does not (PLATFORM.md).
    public static let batchWriteMaxItems = 25
    public static let batchWriteMaxRequestBytes = 16 * 1024 * 1024
    public static let batchGetMaxKeys = 100

    public func putItem(_ table: String, _ item: Item) async throws(DynamoDBError) {
        _ = try await call("PutItem", Self.putItemBody(table, Self.wireJSON(item)))
    }

    public func deleteItem(_ table: String, key: String) async throws(DynamoDBError) {
        let body = RequestBody.json(.object([("TableName", .string(table)), ("Key", Self.keyJSON(key))]))
        _ = try await call("DeleteItem", body)
    }

    public func getItem(_ table: String, key: String, consistentRead: Bool = false) async throws(DynamoDBError) -> Item? {
        let body = RequestBody.json(.object([("TableName", .string(table)), ("Key", Self.keyJSON(key)), ("ConsistentRead", .bool(consistentRead))]))
        let json = try await call("GetItem", body)
        guard let item = json["Item"] else { return nil }
        return try Self.decode(item)
    }

    /// BatchGetItem in chunks of 100 keys, following `UnprocessedKeys`. `projection` names the
    /// attributes to return (through ExpressionAttributeNames: `ttl` is a reserved word).
    public func batchGetItems(_ table: String, keys: [String], projection: [String]? = nil) async throws(DynamoDBError) -> [String: Item] {
        var found: [String: Item] = [:]
        let unique = Array(Set(keys))
        for start in stride(from: 0, to: unique.count, by: Self.batchGetMaxKeys) {
            var request = try batchGetRequest(table, keys: Array(unique[start..<min(start + Self.batchGetMaxKeys, unique.count)]), projection: projection)
            var attempt = 0
            while let current = request {
                let json = try await call("BatchGetItem", RequestBody.json(current))
                for item in json["Responses"]?[table]?.array ?? [] {
                    let decoded = try Self.decode(item)
                    if case .s(let key)? = decoded["key"] { found[key] = decoded }
                }
                request = nil
                if let unprocessed = json["UnprocessedKeys"]?[table], !(unprocessed["Keys"]?.array ?? []).isEmpty {
                    guard attempt + 1 < configuration.retry.maxAttempts else {
                        throw DynamoDBError(kind: .service, type: "UnprocessedKeys", message: "keys still unprocessed after \(attempt + 1) attempts")
                    }
                    await backoff(attempt: attempt)
                    attempt += 1
                    request = .object([("RequestItems", .object([(table, unprocessed)]))])
                }
            }
        }
        return found
    }

    private func batchGetRequest(_ table: String, keys: [String], projection: [String]?) throws(DynamoDBError) -> JSONValue? {
        var spec: [(String, JSONValue)] = [("Keys", .array(keys.map(Self.keyJSON)))]
        if let projection {
            let names = projection.enumerated().map { ("#p\($0.offset)", JSONValue.string($0.element)) }
            spec.append(("ProjectionExpression", .string(names.map(\.0).joined(separator: ","))))
            spec.append(("ExpressionAttributeNames", .object(names)))
        }
        return .object([("RequestItems", .object([(table, .object(spec))]))])
    }

    static func keyJSON(_ key: String) -> JSONValue {
        .object([("key", .object([("S", .string(key))]))])
    }

    static func decode(_ json: JSONValue) throws(DynamoDBError) -> Item {
        do {
            return try AttributeValue.decodeItem(wireJSON: json)
        } catch {
            throw DynamoDBError(kind: .invalidResponse, type: "InvalidResponse", message: "undecodable item")
        }
    }
}
