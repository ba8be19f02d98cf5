import CacheWarmCore
import Testing

struct ItemSizeTests {
    @Test func countsNamesValuesAndContainerOverheadByAWSRules() {
        #expect(ItemSize.of(["key": .s("de20a6237b71b154")]) == 3 + 16)
        #expect(ItemSize.of(["b": .b([1, 2, 3])]) == 1 + 3)
        #expect(ItemSize.of(["n": .n("1795541346")]) == 1 + 6)  // 10 significant digits: 5 + 1
        #expect(ItemSize.of(["n": .n("0.004887")]) == 1 + 3)  // 4887: 2 + 1
        #expect(ItemSize.of(["f": .bool(true), "z": .null]) == 2 + 2)
        // Map: 3 + per element (1 + name + value).
        #expect(ItemSize.of(["m": .m(["a": .s("xy")])]) == 1 + 3 + 1 + 1 + 2)
        #expect(ItemSize.of(["l": .l([.s("xy"), .n("7")])]) == 1 + 3 + (1 + 2) + (1 + 2))
        #expect(ItemSize.of(["é": .s("ü")]) == 2 + 2)
    }

    @Test func itemsJustUnderAndJustOverTheLimitAreTellable() throws {
        let request = ReaderRequest(url: "http://127.0.0.1/big")
        let key = try CacheKey(request: request, settings: ReaderSettings())
        func item(bodyBytes: Int) -> CacheItem {
            let response = FetchedResponse(url: key.preparedURL, status: 200, reason: "OK",
                                           headers: [HTTPHeader(name: "Content-Type", value: "application/octet-stream")],
                                           body: [UInt8](repeating: 7, count: bodyBytes))
            guard case .item(let item) = ItemEncoder.encode(request: request, key: key, response: response, settings: ReaderSettings(), now: Timestamp(secondsSinceEpoch: 0)) else {
                preconditionFailure()
            }
            return item
        }
        let overhead = item(bodyBytes: 0).sizeBytes
        #expect(overhead > 100 && overhead < 1000)
        let justUnder = item(bodyBytes: ItemSize.dynamoDBLimitBytes - overhead)
        let justOver = item(bodyBytes: ItemSize.dynamoDBLimitBytes - overhead + 1)
        #expect(justUnder.sizeBytes == ItemSize.dynamoDBLimitBytes)
        #expect(justOver.sizeBytes == ItemSize.dynamoDBLimitBytes + 1)
    }
}
