import CacheWarmCore
import Testing

struct ExpirationPolicyTests {
    static let now = Timestamp(secondsSinceEpoch: 1_795_541_114)
    static let url = "http://example.com/api/items?x=1"

    func decide(
        _ settings: ExpirationSettings, response: [(String, String)] = [], request: [(String, String)] = [],
        method: String = "GET", status: Int = 200, url: String = url
    ) -> ExpirationPolicy.Decision {
        ExpirationPolicy.decide(
            method: method, preparedURL: url, requestHeaders: request.map { HTTPHeader(name: $0.0, value: $0.1) },
            status: status, responseHeaders: response.map { HTTPHeader(name: $0.0, value: $0.1) }, settings: settings, now: Self.now)
    }

    @Test func defaultsNeverExpireAndIgnoreResponseHeaders() {
        #expect(decide(ExpirationSettings(), response: [("Cache-Control", "max-age=60, no-store")]) == .write(expires: nil))
    }

    @Test func sessionExpireAfterIsSecondsFromNow() {
        #expect(decide(ExpirationSettings(expireAfter: .seconds(3600))) == .write(expires: Self.now.adding(seconds: 3600)))
    }

    @Test func cacheControlMaxAgeBeatsExpiresAndTheSessionSetting() {
        let settings = ExpirationSettings(expireAfter: .seconds(30), cacheControl: true)
        #expect(decide(settings, response: [("Cache-Control", "public, max-age=600")]) == .write(expires: Self.now.adding(seconds: 600)))
        #expect(decide(settings, response: [("Cache-Control", "max-age=600"), ("Expires", "Tue, 24 Nov 2026 20:00:00 GMT")])
            == .write(expires: Self.now.adding(seconds: 600)))
        #expect(decide(settings, response: [("Expires", "Tue, 24 Nov 2026 20:00:00 GMT")])
            == .write(expires: Timestamp(httpDate: "Tue, 24 Nov 2026 20:00:00 GMT")))
        #expect(decide(settings) == .write(expires: Self.now.adding(seconds: 30)))
    }

    @Test func pastExpiresIsWrittenAlreadyExpired() {
        let decision = decide(ExpirationSettings(cacheControl: true), response: [("Expires", "Thu, 01 Jan 2015 00:00:00 GMT")])
        #expect(decision == .write(expires: Timestamp(secondsSinceEpoch: 1_420_070_400)))
    }

    @Test func immutableNeverExpires() {
        #expect(decide(ExpirationSettings(expireAfter: .seconds(30), cacheControl: true), response: [("Cache-Control", "max-age=10, immutable")]) == .write(expires: nil))
    }

    @Test func noStoreSkipsOnlyWithCacheControl() {
        #expect(decide(ExpirationSettings(cacheControl: true), response: [("Cache-Control", "no-store")]) == .skip(.noStore))
        #expect(decide(ExpirationSettings(), response: [("Cache-Control", "no-store")]) == .write(expires: nil))
        #expect(decide(ExpirationSettings(), request: [("Cache-Control", "no-store")]) == .skip(.noStore))
    }

    @Test func expireImmediatelyIsWrittenOnlyWithAValidator() {
        let settings = ExpirationSettings(cacheControl: true)
        #expect(decide(settings, response: [("Cache-Control", "max-age=0")]) == .skip(.expiredWithoutValidator))
        #expect(decide(settings, response: [("Cache-Control", "max-age=0"), ("ETag", "\"v1\"")]) == .write(expires: Self.now))
        #expect(decide(ExpirationSettings(expireAfter: .immediately), response: [("Last-Modified", "Tue, 24 Nov 2026 10:00:00 GMT")]) == .write(expires: Self.now))
        #expect(decide(ExpirationSettings(expireAfter: .doNotCache)) == .skip(.doNotCache))
    }

    @Test func urlsExpireAfterFirstMatchWinsOverTheSessionAndLosesToRequestMaxAge() {
        let settings = ExpirationSettings(
            expireAfter: .seconds(30),
            urlsExpireAfter: [("example.com/api/items", .seconds(90)), ("*.com/api", .seconds(120)), ("https://example.com/static/*.css", .never)])
        #expect(decide(settings) == .write(expires: Self.now.adding(seconds: 90)))
        #expect(decide(settings, url: "http://example.com/api/other") == .write(expires: Self.now.adding(seconds: 120)))
        #expect(decide(settings, url: "https://example.com/static/a/b.css") == .write(expires: nil))
        #expect(decide(settings, url: "http://other.org/") == .write(expires: Self.now.adding(seconds: 30)))
        #expect(decide(settings, request: [("Cache-Control", "max-age=45")]) == .write(expires: Self.now.adding(seconds: 45)))
    }

    @Test func statusesAndMethodsOutsideTheAllowedSetsAreUncacheable() {
        #expect(decide(ExpirationSettings(), status: 404) == .skip(.status(404)))
        #expect(decide(ExpirationSettings(allowableCodes: [200, 404]), status: 404) == .write(expires: nil))
        #expect(decide(ExpirationSettings(), method: "POST") == .skip(.method("POST")))
        #expect(decide(ExpirationSettings(), request: [("X-HTTP-Method-Override", "GET")], method: "POST") == .skip(.method("POST")))
        #expect(decide(ExpirationSettings(allowableMethods: ["GET", "POST"]), request: [("X-HTTP-Method-Override", "GET")], method: "POST")
            == .write(expires: nil))
    }

    @Test(arguments: [("3600", ExpireAfter.seconds(3600)), ("90s", .seconds(90)), ("15m", .seconds(900)), ("2h", .seconds(7200)),
                      ("7d", .seconds(604_800)), ("never", .never), ("-1", .never), ("0", .immediately), ("do-not-cache", .doNotCache)])
    func expireAfterParsesDurations(_ text: String, _ expected: ExpireAfter) {
        #expect(ExpireAfter(parsing: text) == expected)
    }

    @Test func expireAfterRejectsNonsense() {
        for text in ["", "x", "-5", "10y", "1.5h"] { #expect(ExpireAfter(parsing: text) == nil, "\(text)") }
    }
}

struct TimestampTests {
    @Test func isoformatMatchesPython() {
        #expect(Timestamp(microsecondsSinceEpoch: 1_795_541_114_063_892).isoformat == "2026-11-24T17:25:14.063892+00:00")
        #expect(Timestamp(secondsSinceEpoch: 1_795_541_134).isoformat == "2026-11-24T17:25:34+00:00")
        #expect(Timestamp(microsecondsSinceEpoch: 1_795_541_134_000_001).isoformat == "2026-11-24T17:25:34.000001+00:00")
        #expect(Timestamp(secondsSinceEpoch: 951_782_400).isoformat == "2000-02-29T00:00:00+00:00")
        #expect(Timestamp(microsecondsSinceEpoch: -1).isoformat == "1969-12-31T23:59:59.999999+00:00")
    }

    @Test func ttlRoundsHalfToEvenLikePython() {
        #expect(Timestamp(microsecondsSinceEpoch: 1_500_000).roundedEpochSeconds == 2)
        #expect(Timestamp(microsecondsSinceEpoch: 2_500_000).roundedEpochSeconds == 2)
        #expect(Timestamp(microsecondsSinceEpoch: 2_500_001).roundedEpochSeconds == 3)
        #expect(Timestamp(microsecondsSinceEpoch: 2_499_999).roundedEpochSeconds == 2)
    }

    @Test func parsesIsoformatVariantsAndHTTPDates() {
        let expected = Timestamp(secondsSinceEpoch: 1_795_541_134)
        for text in ["2026-11-24T17:25:34+00:00", "2026-11-24T17:25:34Z", "2026-11-24T19:25:34+02:00", "2026-11-24T17:25:34"] {
            #expect(Timestamp(isoformat: text) == expected, "\(text)")
        }
        #expect(Timestamp(isoformat: "2026-11-24T17:25:34.5+00:00") == expected.adding(microseconds: 500_000))
        for text in ["Tue, 24 Nov 2026 17:25:34 GMT", "Tuesday, 24-Nov-26 17:25:34 GMT", "Tue Nov 24 17:25:34 2026"] {
            #expect(Timestamp(httpDate: text) == expected, "\(text)")
        }
        #expect(expected.httpDate == "Tue, 24 Nov 2026 17:25:34 GMT")
        #expect(Timestamp(httpDate: "yesterday") == nil)
    }
}
