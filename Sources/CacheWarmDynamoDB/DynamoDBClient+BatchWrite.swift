import CacheWarmCore

/// BatchWriteItem with the limits and retries DynamoDB expects from a client.
extension DynamoDBClient {
    /// Per-key results of a batch write.
    public struct BatchWriteResult: Sendable {
        public var written: [String] = []
        public var failed: [(key: String, error: DynamoDBError)] = []
    }

    /// Writes the items (each with a string `key`) in requests of at most 25 items and 16 MB,
    /// never two items with one key in a request. `UnprocessedItems`, throttling and 5xx are
    /// retried with full-jitter backoff up to the retry policy's bound; a validation error is
    /// not retried: the request's items are then written one by one so that each bad item is
    /// reported with its own key and the good ones still land.
    public func batchWrite(_ table: String, items: [Item]) async -> BatchWriteResult {
        var result = BatchWriteResult()
        for chunk in Self.chunks(items.map { (Self.itemKey($0), Self.wireJSON($0)) }) {
            await writeChunk(table, chunk, into: &result)
        }
        return result
    }

    typealias EncodedItem = (key: String, json: [UInt8])

    /// Splits into requests by count, by bytes (request overhead included) and by duplicate key.
    static func chunks(_ items: [EncodedItem]) -> [[EncodedItem]] {
        let overhead = 256
        var chunks: [[EncodedItem]] = []
        var current: [EncodedItem] = []
        var bytes = overhead
        var keys: Set<String> = []
        for item in items {
            let size = item.json.count + 32
            if current.count == batchWriteMaxItems || bytes + size > batchWriteMaxRequestBytes || keys.contains(item.key) {
                chunks.append(current)
                (current, bytes, keys) = ([], overhead, [])
            }
            current.append(item)
            bytes += size
            keys.insert(item.key)
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    private func writeChunk(_ table: String, _ chunk: [EncodedItem], into result: inout BatchWriteResult) async {
        var pending = chunk
        var attempt = 0
        while !pending.isEmpty {
            do {
                let unprocessed = try await sendBatch(table, pending)
                result.written += pending.map(\.key).filter { !unprocessed.contains($0) }
                pending = pending.filter { unprocessed.contains($0.key) }
                if pending.isEmpty { return }
                guard attempt + 1 < configuration.retry.maxAttempts else {
                    let error = DynamoDBError(kind: .service, type: "UnprocessedItems", message: "still unprocessed after \(attempt + 1) attempts")
                    result.failed += pending.map { ($0.key, error) }
                    return
                }
            } catch where error.isRetryable {
                guard attempt + 1 < configuration.retry.maxAttempts else {
                    result.failed += pending.map { ($0.key, error) }
                    return
                }
            } catch {
                if pending.count == 1 {
                    result.failed.append((pending[0].key, error))
                } else {
                    await writeOneByOne(table, pending, into: &result)
                }
                return
            }
            await backoff(attempt: attempt)
            attempt += 1
        }
    }

    private func writeOneByOne(_ table: String, _ items: [EncodedItem], into result: inout BatchWriteResult) async {
        for item in items {
            do {
                _ = try await call("PutItem", Self.putItemBody(table, item.json))
                result.written.append(item.key)
            } catch {
                result.failed.append((item.key, error))
            }
        }
    }

    /// One BatchWriteItem request (no retry here); returns the keys DynamoDB left unprocessed.
    private func sendBatch(_ table: String, _ items: [EncodedItem]) async throws(DynamoDBError) -> Set<String> {
        var body = Array(#"{"RequestItems":{"#.utf8)
        JSONText.appendQuoted(table, to: &body)
        body += Array(":[".utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += Array(#"{"PutRequest":{"Item":"#.utf8)
            body += item.json
            body += Array("}}".utf8)
        }
        body += Array("]}}".utf8)
        let json = try await send("BatchWriteItem", body)
        var unprocessed: Set<String> = []
        for request in json["UnprocessedItems"]?[table]?.array ?? [] {
            if let key = request["PutRequest"]?["Item"]?["key"]?["S"]?.string { unprocessed.insert(key) }
        }
        return unprocessed
    }

    static func putItemBody(_ table: String, _ itemJSON: [UInt8]) -> [UInt8] {
        var body = Array(#"{"TableName":"#.utf8)
        JSONText.appendQuoted(table, to: &body)
        body += Array(#","Item":"#.utf8)
        body += itemJSON
        body.append(UInt8(ascii: "}"))
        return body
    }

    static func itemKey(_ item: Item) -> String {
        if case .s(let key)? = item["key"] { return key }
        return ""
    }

    static func wireJSON(_ item: Item) -> [UInt8] {
        var out: [UInt8] = []
        AttributeValue.appendWireJSON(item, to: &out)
        return out
    }
}
