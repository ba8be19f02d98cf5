import CacheWarmCore
import Foundation
import Testing

/// One file of `compat/vectors/items/`: what requests-cache 1.3.3 wrote for a response, or
/// (`warmer_*`) the shape a warmer should write, verified with the real requests-cache.
struct ItemVector: CustomTestStringConvertible, Sendable {
    let name: String
    let json: JSONValue
    var testDescription: String { name }

    static func all() throws -> [ItemVector] {
        try Shared.itemVectorNames().map { ItemVector(name: $0, json: try Shared.json("compat/vectors/items/\($0)")) }
    }

    var wireValue: Item? {
        guard let item = json["put_item_wire"]?["Item"], let decoded = try? AttributeValue.decodeItem(wireJSON: item),
            case .m(let value)? = decoded["value"]
        else { return nil }
        return value
    }

    var wireTTL: AttributeValue? {
        json["put_item_wire"]?["Item"]?["ttl"].flatMap { try? AttributeValue(wireJSON: $0) }
    }

    var request: ReaderRequest {
        let request = json["request"]!
        let kwargs = request["requests_kwargs"]
        var headers = (kwargs?["headers"]?.members ?? []).map { HTTPHeader(name: $0.0, value: $0.1.string ?? "") }
        let body = request["prepared_body"]?.string.map { Array($0.utf8) }
        if body != nil, let contentType = request["prepared_headers"]?["Content-Type"]?.string {
            headers.append(HTTPHeader(name: "Content-Type", value: contentType))
        }
        return ReaderRequest(method: request["method"]!.string!, url: request["url"]!.string!, headers: headers, body: body)
    }

    var settings: ReaderSettings {
        let session = json["session_settings"]
        var expiration = ExpirationSettings()
        if let seconds = session?["expire_after"]?.int { expiration.expireAfter = .seconds(Int64(seconds)) }
        if session?["cache_control"]?.bool == true { expiration.cacheControl = true }
        if let codes = session?["allowable_codes"]?.array { expiration.allowableCodes = Set(codes.compactMap(\.int)) }
        if let methods = session?["allowable_methods"]?.array { expiration.allowableMethods = Set(methods.compactMap(\.string)) }
        for (pattern, seconds) in session?["urls_expire_after"]?.members ?? [] {
            expiration.urlsExpireAfter.append((pattern, .seconds(Int64(seconds.int!))))
        }
        return ReaderSettings(expiration: expiration)
    }

    /// The origin's response; the final URL is the stored one after redirects.
    func response(preparedURL: String) -> FetchedResponse? {
        guard let origin = json["origin_response_final_hop"] else { return nil }
        let hops = json["redirect_history"]?.array ?? []
        let finalURL = hops.isEmpty ? preparedURL : (wireValue?["url"].flatMap { if case .s(let u) = $0 { u } else { nil } } ?? preparedURL)
        return FetchedResponse(
            url: finalURL, status: origin["status"]!.int!, reason: origin["reason"]?.string ?? "",
            headers: (origin["headers"]?.array ?? []).map { HTTPHeader(name: $0.array![0].string!, value: $0.array![1].string!) },
            body: body(origin),
            elapsedMicroseconds: 1234, redirectedFrom: hops.compactMap { $0["url"]?.string })
    }
}

extension ItemVector {
    /// The big_* files leave the body out and give its length: any bytes of that length do.
    fileprivate func body(_ origin: JSONValue) -> [UInt8] {
        let stored = Array(Data(base64Encoded: origin["body_base64"]?.string ?? "") ?? Data())
        let length = origin["body_length"]?.int ?? 0
        return stored.isEmpty && length > 0 ? [UInt8](repeating: 0x61, count: length) : stored
    }
}

struct ItemVectorTests {
    static let vectors = ((try? ItemVector.all()) ?? []).filter { !$0.name.hasPrefix("warmer_") }
    static let warmerVectors = ((try? ItemVector.all()) ?? []).filter { $0.name.hasPrefix("warmer_") }

    @Test func vectorsAreLoaded() {
        #expect(Self.vectors.count >= 40)
        #expect(Self.warmerVectors.count == 4)
    }

    @Test(arguments: vectors)
    func encodesWhatRequestsCacheNeedsForEachResponseKind(_ vector: ItemVector) throws {
        let request = vector.request
        let key = try CacheKey(request: request, settings: vector.settings)
        #expect(key.key == vector.json["cache_key"]?.string)
        let response = try #require(vector.response(preparedURL: key.preparedURL))
        let written = vector.wireValue
        let createdAt = written?["created_at"].flatMap { if case .s(let t) = $0 { Timestamp(isoformat: t) } else { nil } }
        let now = createdAt ?? Timestamp(secondsSinceEpoch: 1_795_541_114)
        let result = ItemEncoder.encode(request: request, key: key, response: response, settings: vector.settings, now: now)

        guard let written else {
            // Not written by requests-cache: uncacheable, or (big_*) rejected by DynamoDB for size.
            if vector.name.hasPrefix("big_") {
                guard case .item(let item) = result else { Issue.record("big body must still encode"); return }
                #expect(item.sizeBytes > ItemSize.dynamoDBLimitBytes)
            } else {
                guard case .uncacheable = result else { Issue.record("expected uncacheable, got \(result)"); return }
            }
            return
        }
        guard case .item(let item) = result else { Issue.record("expected an item, got \(result)"); return }
        #expect(item.keys.first == vector.json["cache_key"]?.string)
        let ours = item.value
        for field in ["status_code", "reason", "url", "encoding", "headers", "cookies", "created_at"] {
            #expect(ours[field] == written[field], "\(field)")
        }
        guard case .m(let ourRequest)? = ours["request"], case .m(let theirRequest)? = written["request"] else {
            Issue.record("request map missing"); return
        }
        for field in ["method", "url", "headers", "body"] {
            #expect(ourRequest[field] == theirRequest[field], "request.\(field)")
        }
        // Bodies: raw bytes after Content-Encoding removal (§2.4); gzip vectors are covered end to end.
        if response.headers.first(named: "Content-Encoding") == nil {
            #expect(ours["_content"] == .b(response.body))
        }
        // requests-cache computes `expires` a few microseconds before `created_at`.
        let theirExpires = written["expires"].flatMap { if case .s(let t) = $0 { Timestamp(isoformat: t) } else { nil } }
        #expect((item.expires == nil) == (theirExpires == nil))
        if let ours = item.expires, let theirs = theirExpires {
            #expect(abs(ours.microsecondsSinceEpoch - theirs.microsecondsSinceEpoch) < 1_000_000)
            #expect(item.ttl.map { abs($0 - theirs.roundedEpochSeconds) <= 1 } == true)
        }
        #expect((item.ttl == nil) == (vector.wireTTL == nil))
    }

    @Test(arguments: warmerVectors)
    func reproducesTheVerifiedWarmerShapes(_ vector: ItemVector) throws {
        let written = try #require(vector.wireValue)
        let request = ReaderRequest(method: vector.json["request"]!["method"]!.string!, url: vector.json["request"]!["url"]!.string!)
        let key = try CacheKey(request: request, settings: ReaderSettings())
        #expect(key.key == vector.json["cache_key"]?.string)
        let body: [UInt8] =
            switch (written["_content"], written["_decoded_content"]) {
            case (.b(let bytes)?, _): bytes
            case (_, .s(let text)?): Array(text.utf8)
            default: []
            }
        guard case .m(let headerMap)? = written["headers"] else { Issue.record("no headers"); return }
        let headers = headerMap.sorted { $0.key < $1.key }.map { HTTPHeader(name: $0.key, value: { if case .s(let v) = $0 { v } else { "" } }($0.value)) }
        let finalURL = written["url"].flatMap { if case .s(let u) = $0 { u } else { nil } } ?? key.preparedURL
        let createdAt = written["created_at"].flatMap { if case .s(let t) = $0 { Timestamp(isoformat: t) } else { nil } } ?? Timestamp(secondsSinceEpoch: 1_795_541_134)
        var settings = ReaderSettings()
        if case .s(let text)? = written["expires"], let expires = Timestamp(isoformat: text) {
            settings.expiration.expireAfter = .seconds((expires.microsecondsSinceEpoch - createdAt.microsecondsSinceEpoch) / 1_000_000)
        }
        let response = FetchedResponse(url: finalURL, status: 200, reason: "OK", headers: headers, body: body)
        guard case .item(let item) = ItemEncoder.encode(request: request, key: key, response: response, settings: settings, now: createdAt) else {
            Issue.record("expected an item"); return
        }
        #expect(item.keys.first == key.key)
        #expect(item.value["_content"] == .b(body))
        for (field, value) in written where field != "_decoded_content" && field != "_content" && field != "request" {
            #expect(item.value[field] == value, "\(field)")
        }
        #expect(item.ttl.map { AttributeValue.n(String($0)) } == vector.wireTTL)
    }

    @Test func wireJSONRoundTripsThroughTheDecoder() throws {
        let request = ReaderRequest(url: "http://127.0.0.1:8765/data?api_key=SECRET&b=1")
        let key = try CacheKey(request: request, settings: ReaderSettings())
        let response = FetchedResponse(
            url: key.preparedURL, status: 200, reason: "OK",
            headers: [HTTPHeader(name: "Content-Type", value: "application/json"), HTTPHeader(name: "X-Quote", value: "a \"b\"\n\\c é")],
            body: Array("{\"n\": 12345678901234567890, \"x\": 1.5e-07}".utf8) + [0, 255], elapsedMicroseconds: 4887)
        var settings = ReaderSettings()
        settings.expiration.expireAfter = .seconds(3600)
        guard case .item(let item) = ItemEncoder.encode(request: request, key: key, response: response, settings: settings, now: Timestamp(microsecondsSinceEpoch: 1_795_541_114_063_892)) else {
            Issue.record("expected an item"); return
        }
        var wire: [UInt8] = []
        AttributeValue.appendWireJSON(item.item(forKey: key.key), to: &wire)
        let decoded = try AttributeValue.decodeItem(wireJSON: try JSONValue.parse(bytes: wire))
        #expect(decoded == item.item(forKey: key.key))
        #expect(item.value["elapsed"] == .n("0.004887"))
        #expect(item.value["expires"] == .s("2026-11-24T18:25:14.063892+00:00"))
        #expect(item.value["url"] == .s("http://127.0.0.1:8765/data?api_key=REDACTED&b=1"))
        #expect(decoded["ttl"] == .n("1795544714"))
    }
}
