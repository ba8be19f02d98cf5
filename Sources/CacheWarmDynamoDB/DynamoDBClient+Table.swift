import CacheWarmCore

/// Table management: what `cachewarm table create` needs.
extension DynamoDBClient {
    public struct TableDescription: Sendable, Equatable {
        public var status: String
        /// (attribute name, key type HASH/RANGE, attribute type S/N/B)
        public var keySchema: [KeyElement]

        public struct KeyElement: Sendable, Equatable {
            public var name: String
            public var keyType: String
            public var attributeType: String?
        }

        /// requests-cache's layout: one HASH key `key` of type S (compat spec §1).
        public var matchesRequestsCache: Bool {
            keySchema == [KeyElement(name: "key", keyType: "HASH", attributeType: "S")]
        }
    }

    /// CreateTable exactly as requests-cache sends it. Returns false when the table exists.
    public func createTable(_ table: String) async throws(DynamoDBError) -> Bool {
        let body = RequestBody.json(.object([
            ("AttributeDefinitions", .array([.object([("AttributeName", .string("key")), ("AttributeType", .string("S"))])])),
            ("TableName", .string(table)),
            ("KeySchema", .array([.object([("AttributeName", .string("key")), ("KeyType", .string("HASH"))])])),
            ("BillingMode", .string("PAY_PER_REQUEST")),
        ]))
        do {
            _ = try await call("CreateTable", body)
            return true
        } catch where error.type == "ResourceInUseException" {
            return false
        }
    }

    /// DescribeTable; nil when the table does not exist.
    public func describeTable(_ table: String) async throws(DynamoDBError) -> TableDescription? {
        let json: JSONValue
        do {
            json = try await call("DescribeTable", RequestBody.json(.object([("TableName", .string(table))])))
        } catch where error.type == "ResourceNotFoundException" {
            return nil
        }
        guard let description = json["Table"] else {
            throw DynamoDBError(kind: .invalidResponse, type: "InvalidResponse", message: "DescribeTable without Table")
        }
        var types: [String: String] = [:]
        for definition in description["AttributeDefinitions"]?.array ?? [] {
            if let name = definition["AttributeName"]?.string { types[name] = definition["AttributeType"]?.string }
        }
        let schema = (description["KeySchema"]?.array ?? []).compactMap { element -> TableDescription.KeyElement? in
            guard let name = element["AttributeName"]?.string, let keyType = element["KeyType"]?.string else { return nil }
            return TableDescription.KeyElement(name: name, keyType: keyType, attributeType: types[name])
        }
        return TableDescription(status: description["TableStatus"]?.string ?? "UNKNOWN", keySchema: schema)
    }

    /// Polls DescribeTable until the table is ACTIVE (the `table_exists` waiter).
    public func waitUntilActive(_ table: String, timeout: Duration = .seconds(120)) async throws(DynamoDBError) -> TableDescription {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let description = try await describeTable(table), description.status == "ACTIVE" { return description }
            guard clock.now < deadline else {
                throw DynamoDBError(kind: .service, type: "Timeout", message: "table \(table) did not become ACTIVE")
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Enables TTL on `attribute`. Real DynamoDB answers ValidationException when TTL is already
    /// enabled; that counts as success, as in requests-cache.
    public func enableTimeToLive(_ table: String, attribute: String = "ttl") async throws(DynamoDBError) {
        let body = RequestBody.json(.object([
            ("TableName", .string(table)),
            ("TimeToLiveSpecification", .object([("AttributeName", .string(attribute)), ("Enabled", .bool(true))])),
        ]))
        do {
            _ = try await call("UpdateTimeToLive", body)
        } catch where error.type == "ValidationException" {
            let current = try await describeTimeToLive(table)
            guard current.attribute == attribute else { throw error }
        }
    }

    /// (TimeToLiveStatus, AttributeName)
    public func describeTimeToLive(_ table: String) async throws(DynamoDBError) -> (status: String, attribute: String?) {
        let json = try await call("DescribeTimeToLive", RequestBody.json(.object([("TableName", .string(table))])))
        let description = json["TimeToLiveDescription"]
        return (description?["TimeToLiveStatus"]?.string ?? "DISABLED", description?["AttributeName"]?.string)
    }
}
