import CacheWarmCore
import Testing

/// Outside input that once trapped a worker or could steer it, each kept as a regression test.
struct HostileInputTests {
    static let now = Timestamp(secondsSinceEpoch: 1_795_541_114)

    @Test(arguments: ["1 Jan ٢٠٢٦ 00:00:00", "Thu, ٠١ Jan 2026 00:00:00 GMT", "Sun Nov  6 08:49:37 １９９４", "٣٠", "99999999999999999999999"])
    func retryAfterAndDatesWithNonASCIIOrHugeNumbersAreIgnored(_ value: String) {
        #expect(Timestamp(httpDate: value) == nil)
        #expect(JobDisposition.retryAfterSeconds([HTTPHeader(name: "Retry-After", value: value)], now: Self.now) == nil)
    }

    @Test func isoformatWithNonASCIIDigitsIsNotADate() {
        #expect(Timestamp(isoformat: "٢٠٢٦-01-01T00:00:00+00:00") == nil)
        #expect(Timestamp(isoformat: "2026-13-01T00:00:00") == nil)
    }

    @Test func hugeExpiriesNeitherTrapNorLeavePythonsRange() {
        #expect(ExpireAfter(parsing: "20000000000000w") == nil)
        #expect(ExpireAfter(parsing: "9223372036854775807d") == nil)
        #expect(ExpireAfter(parsing: "٣٠") == nil)
        #expect(ExpireAfter(parsing: "\(ExpireAfter.maxSeconds)") == .seconds(ExpireAfter.maxSeconds))
        let huge = ExpirationSettings(cacheControl: true)
        for maxAge in ["max-age=99999999999999999999999999", "max-age=9223372036854775807", "max-age=-9223372036854775808"] {
            let decision = ExpirationPolicy.decide(
                method: "GET", preparedURL: "http://a.test/", requestHeaders: [], status: 200,
                responseHeaders: [HTTPHeader(name: "Cache-Control", value: maxAge)], settings: huge, now: Self.now)
            guard case .write(let expires?) = decision else { Issue.record("\(maxAge): \(decision)"); continue }
            #expect(expires >= .pythonMin && expires <= .pythonMax)
            #expect(expires.isoformat.count >= 25)
        }
        #expect(Timestamp(microsecondsSinceEpoch: .max).adding(seconds: .max) == Timestamp(microsecondsSinceEpoch: .max))
        #expect(Timestamp(microsecondsSinceEpoch: .min).isoformat == "0001-01-01T00:00:00+00:00")
    }

    @Test func settingsOutOfRangeAreErrorsNamingTheField() throws {
        for (json, field) in [
            (#"{"expire_after": "20000000000000w"}"#, "expire_after"), (#"{"expire_after": 99999999999999999999}"#, "expire_after"),
            (#"{"urls_expire_after": {"*": 1e999}}"#, "urls_expire_after"), (#"{"allowable_codes": [99999999999]}"#, "allowable_codes"),
            (#"{"allowable_methods": ["GET\r\nX: y"]}"#, "allowable_methods"),
            ("{\"urls_expire_after\": {" + (0..<10).map { "\"\($0)\(String(repeating: "*a", count: 250))\": 1" }.joined(separator: ", ") + "}}", "urls_expire_after"),
        ] {
            do {
                _ = try ReaderSettings(json: try JSONValue.parse(json))
                Issue.record("accepted \(json)")
            } catch let error as ReaderSettings.JSONError {
                #expect(error.description.contains(field), "\(error.description)")
            }
        }
    }

    @Test func deeplyNestedJSONIsRefusedNotRecursedInto() throws {
        let deep = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(deep) }
        let allowed = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(try JSONValue.parse(allowed).dumps() == allowed.replacingOccurrences(of: "][", with: "], ["))
        // As a request body it is keyed as raw bytes, like any body that does not parse.
        let request = ReaderRequest(method: "POST", url: "http://a.test/", headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
                                    body: Array(String(repeating: "[", count: 200_000).utf8))
        #expect(try CacheKey(request: request, settings: ReaderSettings(expiration: ExpirationSettings(allowableMethods: ["POST"]))).normalizedBody.count == 200_000)
    }

    @Test func manyRepeatedJSONKeysKeepTheFirstPositionAndTheLastValue() throws {
        let members = (0..<50_000).map { "\"k\($0 % 1000)\": \($0)" }.joined(separator: ", ")
        let value = try JSONValue.parse("{" + members + "}")
        #expect(value.members?.count == 1000)
        #expect(value["k0"] == .int("49000"))
        #expect(value.members?.first?.0 == "k0")
    }

    @Test(arguments: [
        ("GET\r\nX-Injected: 1", "method"), ("GE T", "method"), ("", "method"),
        ("GET", "headers"),
    ])
    func requestsMustBeWhatHTTPAllows(_ method: String, _ field: String) {
        let headers = method == "GET" ? [HTTPHeader(name: "X-A", value: "1\r\nX-Injected: 1")] : []
        #expect(throws: InvalidRequest.self) { try CacheKey(request: ReaderRequest(method: method, url: "http://a.test/", headers: headers), settings: ReaderSettings()) }
        do {
            _ = try CacheKey(request: ReaderRequest(method: method, url: "http://a.test/", headers: headers), settings: ReaderSettings())
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func headerNamesAndSizesAreBounded() {
        let settings = ReaderSettings()
        for headers in [[HTTPHeader(name: "Bad Name", value: "1")], (0...InvalidRequest.maxHeaders).map { HTTPHeader(name: "X-\($0)", value: "1") }] {
            #expect(throws: InvalidRequest.self) { try CacheKey(request: ReaderRequest(url: "http://a.test/", headers: headers), settings: settings) }
        }
        #expect(throws: InvalidRequest.bodyTooLarge(InvalidRequest.maxBodyBytes + 1)) {
            try CacheKey(request: ReaderRequest(url: "http://a.test/", body: [UInt8](repeating: 0, count: InvalidRequest.maxBodyBytes + 1)), settings: settings)
        }
        let long = "http://a.test/" + String(repeating: "a", count: InvalidRequest.maxURLBytes)
        #expect(throws: InvalidRequest.urlTooLong(long.utf8.count)) { try CacheKey(request: ReaderRequest(url: long), settings: settings) }
    }

    @Test func longNonASCIIHostLabelsAreInvalidNotQuadratic() {
        let label = String(repeating: "ü", count: 1000)
        #expect(throws: InvalidRequest.invalidHost("http://\(label).test/")) {
            try CacheKey(request: ReaderRequest(url: "http://\(label).test/"), settings: ReaderSettings())
        }
        #expect((try? CacheKey(request: ReaderRequest(url: "http://bücher.test/"), settings: ReaderSettings()))?.preparedURL == "http://xn--bcher-kva.test/")
    }

    @Test func urlsAreShownWithoutSecretsOrControlCharacters() throws {
        #expect(Redaction.url("https://user:pa55@a.test/p?x=1&api_key=SECRET&apikey=S2#f") == "https://***@a.test/p?x=1&api_key=REDACTED&apikey=REDACTED#f")
        #expect(Redaction.url("https://a.test/p?token=T", secretParameters: ["token"]) == "https://a.test/p?token=REDACTED")
        #expect(Redaction.url("https://a.test/\u{1B}[31mred\u{7}") == "https://a.test/%1B[31mred%07")
        #expect(Redaction.url("https://a.test/\u{202E}txt") == "https://a.test/%E2%80%AEtxt")
        #expect(Redaction.url("https://a.test/" + String(repeating: "a", count: 5000)).utf8.count < 600)
        #expect(Redaction.url("https://a.test/plain?x=1") == "https://a.test/plain?x=1")
        // Messages about invalid URLs show them redacted too; the key is still computed from the real URL.
        let error = InvalidRequest.invalidPort("http://u:secret@a.test:99999/?api_key=K")
        #expect(!error.description.contains("secret") && !error.description.contains("=K"))
        let key = try CacheKey(request: ReaderRequest(url: "http://u:secret@a.test/?api_key=K"), settings: ReaderSettings())
        #expect(key.preparedURL == "http://u:secret@a.test/?api_key=K")
    }
}
