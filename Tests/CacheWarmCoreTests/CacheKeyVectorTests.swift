import CacheWarmCore
import Foundation
import Testing

/// One vector of `compat/vectors/keys.json`, made by requests-cache 1.3.3 itself.
struct KeyVector: CustomTestStringConvertible, Sendable {
    let index: Int
    let json: JSONValue
    var testDescription: String { "#\(index) \(json["note"]?.string ?? "")" }

    static func all() throws -> [KeyVector] {
        let vectors = try Shared.json("compat/vectors/keys.json")["vectors"]?.array ?? []
        return vectors.enumerated().map { KeyVector(index: $0.offset, json: $0.element) }
    }

    var request: ReaderRequest {
        var headers = (json["headers"]?.members ?? []).map { HTTPHeader(name: $0.0, value: $0.1.string ?? "") }
        if let contentType = json["content_type"]?.string { headers.append(HTTPHeader(name: "Content-Type", value: contentType)) }
        let verify = json["verify"]?.bool ?? (json["verify"]?.string != nil)
        return ReaderRequest(
            method: json["method"]!.string!, url: json["url"]!.string!, headers: headers,
            body: json["body"]?.string.map { Array($0.utf8) }, verify: verify)
    }

    var settings: ReaderSettings {
        let match: ReaderSettings.MatchHeaders =
            switch json["match_headers"] {
            case .bool(true): .all
            case .array(let names): .list(names.compactMap(\.string))
            default: .none
            }
        return ReaderSettings(ignoredParameters: (json["ignored_parameters"]?.array ?? []).compactMap(\.string), matchHeaders: match)
    }
}

struct CacheKeyVectorTests {
    static let vectors = (try? KeyVector.all()) ?? []

    @Test func everyVectorIsLoaded() {
        #expect(Self.vectors.count == 95)
    }

    @Test(arguments: vectors)
    func keyAndEveryIntermediateStageMatchRequestsCache(_ vector: KeyVector) throws {
        let key = try CacheKey(request: vector.request, settings: vector.settings)
        let stages = try #require(vector.json["intermediate"])
        #expect(key.preparedURL == stages["prepared_url"]?.string)
        #expect(key.method == stages["normalized_method"]?.string)
        #expect(key.normalizedURL == stages["normalized_url"]?.string)
        #expect(String(decoding: key.normalizedBody, as: UTF8.self) == stages["normalized_body"]?.string)
        #expect(key.verifyPart == stages["verify_part"]?.string)
        #expect(key.matchedHeaderParts == (stages["matched_header_parts"]?.array ?? []).compactMap(\.string))
        #expect(key.serializerPart == stages["serializer_part"]?.string)
        let prepared = vector.request.preparedHeaders.map { "\($0.name): \($0.value)" }
        #expect(prepared == (stages["prepared_headers"]?.members ?? []).map { "\($0.0): \($0.1.string ?? "")" })
        #expect(key.key == vector.json["expected_key"]?.string)
    }

    @Test func sha256KeyHashGivesTheFullHexDigest() throws {
        let request = ReaderRequest(url: "http://example.com/")
        let key = try CacheKey(request: request, settings: ReaderSettings(keyHash: .sha256))
        #expect(key.key.count == 64)
        #expect(key.key != (try CacheKey(request: request, settings: ReaderSettings())).key)
    }

    @Test(arguments: [
        ("example.com/path", InvalidRequest.missingScheme("example.com/path")),
        ("ftp://example.com/x", .unsupportedScheme("ftp://example.com/x")),
        ("http://", .missingHost("http://")),
        ("http://exa mple.com/", .invalidHost("http://exa mple.com/")),
        ("http://example.com:99999/", .invalidPort("http://example.com:99999/")),
        ("", .empty),
    ])
    func urlsRequestsRejectsAreErrors(_ url: String, _ expected: InvalidRequest) {
        #expect(throws: expected) { try CacheKey(request: ReaderRequest(url: url), settings: ReaderSettings()) }
    }
}
