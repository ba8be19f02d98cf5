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
    /// attributes to return, as dotted paths (`value.expires`), through ExpressionAttributeNames
    /// (`ttl` and `value` are reserved words).
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
            var names: [(String, JSONValue)] = []
            let paths = projection.map { path in
                path.split(separator: ".").map { component -> String in
                    if let existing = names.first(where: { $0.1 == .string(String(component)) }) { return existing.0 }
                    names.append(("#p\(names.count)", .string(String(component))))
                    return names[names.count - 1].0
                }.joined(separator: ".")
            }
            spec.append(("ProjectionExpression", .string(paths.joined(separator: ","))))
            spec.append(("ExpressionAttributeNames", .object(names)))
        }
        return .object([("RequestItems", .object([(table, .object(spec))]))])
    }

    /// After a 304: sets `value.headers`, and `value.expires` and `ttl` (or removes both for
    /// "never"), on an item that must still exist, so nothing half-written can appear.
    public func updateFreshness(_ table: String, key: String, headers: [String: AttributeValue], expires: (iso: String, ttl: Int64)?) async throws(DynamoDBError) {
        var values: Item = [":h": .m(headers)]
        var expression = "SET #v.#h = :h"
        if let expires {
            expression += ", #v.#e = :e, #t = :t"
            values[":e"] = .s(expires.iso)
            values[":t"] = .n(String(expires.ttl))
        } else {
            expression += " REMOVE #v.#e, #t"
        }
        var body = Array(#"{"TableName":"#.utf8)
        JSONText.appendQuoted(table, to: &body)
        body += Array(#","Key":"#.utf8) + Array(Self.keyJSON(key).dumps().utf8)
        body += Array(#","UpdateExpression":"#.utf8)
        JSONText.appendQuoted(expression, to: &body)
        body += Array(##","ConditionExpression":"attribute_exists(#k)","ExpressionAttributeNames":{"#k":"key","#v":"value","#h":"headers","#e":"expires","#t":"ttl"},"ExpressionAttributeValues":"##.utf8)
        AttributeValue.appendWireJSON(values, to: &body)
        body += Array("}".utf8)
        _ = try await call("UpdateItem", body)
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
