import CacheWarmCore
import CacheWarmHTTP
import Foundation
import Testing

struct OriginFetcherTests {
    /// gzip of `{"compressed": true}` (Python: gzip.compress(b'{"compressed": true}', mtime=0)).
    static let gzipped: [UInt8] = Array(Data(base64Encoded: "H4sIAAAAAAACA6tWSs7PLShKLS5OTVGyUigpKk2tBQC9pSwtFAAAAA==")!)

    static let routes: [String: TestOrigin.Response] = [
        "/plain": .init(headers: [("Content-Type", "text/plain"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")], body: Array("hello".utf8)),
        "/gzip": .init(headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: gzipped),
        "/big": .init(headers: [("Content-Type", "application/octet-stream")], body: [UInt8](repeating: 1, count: 5000)),
        "/r1": .init(status: .movedPermanently, headers: [("Location", "/r2")]),
        "/r2": .init(status: .found, headers: [("Location", "/plain")]),
        "/loop": .init(status: .found, headers: [("Location", "/loop")]),
        "/same-origin": .init(status: .found, headers: [("Location", "/plain")]),
        // 200,000 zero bytes gzipped to 309: over a small body cap only once decompressed.
        "/bomb": .init(headers: [("Content-Encoding", "gzip")], body: Array(Data(base64Encoded: bomb)!)),
    ]
    static let bomb = "H4sIAAAAAAACA+3BMQEAAADCoPVPbQZ/oAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACA1wB7WOBcQA0DAA=="

    func withOrigin(policy: AddressPolicy = AddressPolicy(allowLoopback: true), maxBodyBytes: Int = 1 << 20,
                    _ body: (OriginFetcher, TestOrigin) async throws -> Void) async throws {
        let origin = try await TestOrigin(Self.routes)
        let fetcher = try await OriginFetcher.start(
            .init(maxBodyBytes: maxBodyBytes, requestTimeout: .seconds(5), maxRedirects: 5, addressPolicy: policy, connectionsPerHost: 4))
        do { try await body(fetcher, origin) } catch { await fetcher.shutdown(); try? await origin.shutdown(); throw error }
        await fetcher.shutdown()
        try await origin.shutdown()
    }

    @Test func sendsTheReadersHeadersAndKeepsResponseHeadersInOrder() async throws {
        try await withOrigin { fetcher, origin in
            let response = try await fetcher.fetch(ReaderRequest(url: "http://127.0.0.1:\(origin.port)/plain", headers: [HTTPHeader(name: "X-App", value: "1")]))
            #expect(response.status == 200)
            #expect(response.body == Array("hello".utf8))
            #expect(response.headers.filter { $0.name == "Set-Cookie" }.map(\.value) == ["a=1", "b=2"])
            let sent = try #require(origin.recorder.seen.withLock { $0.first })
            #expect(sent.headers.contains { $0 == ("User-Agent", "python-requests/2.34.2") })
            #expect(sent.headers.contains { $0 == ("Accept-Encoding", "gzip, deflate") })
            #expect(sent.headers.contains { $0 == ("X-App", "1") })
        }
    }

    @Test func decodesGzipButKeepsTheContentEncodingHeaderAsRequestsDoes() async throws {
        try await withOrigin { fetcher, origin in
            let response = try await fetcher.fetch(ReaderRequest(url: "http://127.0.0.1:\(origin.port)/gzip"))
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"compressed": true}"#)
            #expect(response.headers.first(named: "Content-Encoding") == "gzip")
        }
    }

    @Test func followsRedirectsAndRecordsTheHops() async throws {
        try await withOrigin { fetcher, origin in
            let base = "http://127.0.0.1:\(origin.port)"
            let response = try await fetcher.fetch(ReaderRequest(url: base + "/r1"))
            #expect(response.url == base + "/plain")
            #expect(response.redirectedFrom == [base + "/r1", base + "/r2"])
            await #expect(throws: FetchError(.tooManyRedirects, "more than 5 redirects from \(base)/loop")) {
                try await fetcher.fetch(ReaderRequest(url: base + "/loop"))
            }
        }
    }

    @Test func capsTheBody() async throws {
        try await withOrigin(maxBodyBytes: 1000) { fetcher, origin in
            do {
                _ = try await fetcher.fetch(ReaderRequest(url: "http://127.0.0.1:\(origin.port)/big"))
                Issue.record("expected bodyTooLarge")
            } catch let error as FetchError {
                #expect(error.kind == .bodyTooLarge)
            }
        }
    }

    @Test func aCompressedBodyOverTheCapOnceDecompressedIsTooLarge() async throws {
        try await withOrigin(maxBodyBytes: 100_000) { fetcher, origin in
            await #expect(throws: FetchError(.bodyTooLarge, "body larger than 100000 bytes")) {
                try await fetcher.fetch(ReaderRequest(url: "http://127.0.0.1:\(origin.port)/bomb"))
            }
        }
    }

    @Test func redirectsDropCookiesAlwaysAndAuthorizationAcrossOrigins() async throws {
        try await withOrigin { fetcher, origin in
            let other = try await TestOrigin(["/elsewhere": .init(status: .found, headers: [("Location", "http://127.0.0.1:\(origin.port)/plain")])])
            let secrets = [HTTPHeader(name: "Authorization", value: "Bearer s3cret"), HTTPHeader(name: "Cookie", value: "session=1"),
                           HTTPHeader(name: "Proxy-Authorization", value: "Basic eA==")]
            _ = try await fetcher.fetch(ReaderRequest(url: "http://127.0.0.1:\(origin.port)/same-origin", headers: secrets))
            _ = try await fetcher.fetch(ReaderRequest(url: "http://127.0.0.1:\(other.port)/elsewhere", headers: secrets))
            let seen = origin.recorder.seen.withLock { $0 }
            func names(_ index: Int) -> Set<String> { Set(seen[index].headers.map { $0.0.lowercased() }) }
            #expect(seen.map(\.path) == ["/same-origin", "/plain", "/plain"])
            #expect(names(0).isSuperset(of: ["authorization", "cookie", "proxy-authorization"]))
            #expect(names(1).contains("authorization") && !names(1).contains("cookie") && !names(1).contains("proxy-authorization"))
            #expect(!names(2).contains("authorization") && !names(2).contains("cookie") && !names(2).contains("proxy-authorization"))
            try await other.shutdown()
        }
    }

    @Test(arguments: ["0177.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "localhost", "a.localhost"])
    func hostSpellingsAreJudgedAsTheConnectionReadsThem(_ host: String) async throws {
        try await withOrigin(policy: AddressPolicy()) { fetcher, origin in
            await #expect(throws: FetchError.self) { try await fetcher.fetch(ReaderRequest(url: "http://\(host):\(origin.port)/plain")) }
            #expect(origin.recorder.seen.withLock { $0.isEmpty })
        }
        // With loopback allowed the numeric spellings reach the loopback origin: they were read as 127.0.0.1.
        guard host.first?.isNumber == true else { return }
        try await withOrigin { fetcher, origin in
            let response = try await fetcher.fetch(ReaderRequest(url: "http://\(host):\(origin.port)/plain"))
            #expect(response.status == 200)
        }
    }

    @Test func refusesLoopbackByDefaultWithoutConnecting() async throws {
        try await withOrigin(policy: AddressPolicy()) { fetcher, origin in
            do {
                _ = try await fetcher.fetch(ReaderRequest(url: "http://127.0.0.1:\(origin.port)/plain"))
                Issue.record("expected a refusal")
            } catch let error as FetchError {
                #expect(error.kind == .refused)
                #expect(!error.isRetryable)
            }
            #expect(origin.recorder.seen.withLock { $0.isEmpty })
        }
    }

    @Test func checksEveryRedirectHopAgain() async throws {
        try await withOrigin(policy: AddressPolicy(allowedHosts: ["localhost"])) { fetcher, origin in
            let redirecting = try await TestOrigin(["/to-loopback": .init(status: .found, headers: [("Location", "http://127.0.0.1:\(origin.port)/plain")])])
            do {
                _ = try await fetcher.fetch(ReaderRequest(url: "http://localhost:\(redirecting.port)/to-loopback"))
                Issue.record("expected a refusal on the second hop")
            } catch let error as FetchError {
                #expect(error.kind == .refused)
            }
            #expect(redirecting.recorder.seen.withLock { $0.count } == 1)
            #expect(origin.recorder.seen.withLock { $0.isEmpty })
            try await redirecting.shutdown()
        }
    }

    @Test func refusesTheMetadataAddressEvenWithPrivateAndLoopbackAllowed() async throws {
        try await withOrigin(policy: AddressPolicy(allowLoopback: true, allowPrivate: true)) { fetcher, _ in
            do {
                _ = try await fetcher.fetch(ReaderRequest(url: "http://169.254.169.254/latest/meta-data/"))
                Issue.record("expected a refusal")
            } catch let error as FetchError {
                #expect(error.kind == .refused)
                #expect(error.message.contains("link-local"))
            }
        }
    }
}
