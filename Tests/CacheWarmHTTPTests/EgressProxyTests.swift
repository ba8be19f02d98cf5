import AsyncHTTPClient
import CacheWarmCore
@testable import CacheWarmHTTP
import NIOCore
import Synchronization
import Testing

struct EgressProxyTests {
    /// A name server that rebinds: loopback (allowed here) first, then a private address.
    @Test func everyTunnelDialsTheAddressItsOwnLookupChecked() async throws {
        let origin = try await TestOrigin(["/plain": .init(body: Array("hello".utf8))])
        let lookups = Mutex(0)
        let resolver = HostResolver(timeToLive: .zero) { _ in
            let count = lookups.withLock { count in count += 1; return count }
            return count == 1 ? IPAddress("127.0.0.1").map { [$0] } : IPAddress("10.0.0.1").map { [$0] }
        }
        let proxy = try await EgressProxy.start(policy: AddressPolicy(allowLoopback: true), connectTimeout: .seconds(2), resolver: resolver)
        func client() -> HTTPClient {
            var configuration = HTTPClient.Configuration()
            configuration.proxy = .server(host: "127.0.0.1", port: proxy.port)
            configuration.connectionPool.retryConnectionEstablishment = false  // as the fetcher's client
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
        let url = "http://rebind.test:\(origin.port)/plain"
        // The first connection: one lookup, checked, and that address dialled.
        let first = client()
        let response = try await first.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        #expect(try await response.body.collect(upTo: 1024) == ByteBuffer(string: "hello"))
        try await first.shutdown()
        // A new connection looks up again; the rebound answer is checked and refused, never dialled.
        let second = client()
        await #expect(throws: HTTPClientError.invalidProxyResponse) { _ = try await second.execute(HTTPClientRequest(url: url), timeout: .seconds(5)) }
        try await second.shutdown()
        #expect(lookups.withLock { $0 } == 2)
        #expect(proxy.failure(forHost: "rebind.test")?.message.contains("private address 10.0.0.1") == true)
        #expect(origin.recorder.seen.withLock { $0.count } == 1)
        await proxy.shutdown()
        try await origin.shutdown()
    }

    @Test func onlyConnectIsServed() async throws {
        let proxy = try await EgressProxy.start(policy: AddressPolicy(allowLoopback: true), connectTimeout: .seconds(2), resolver: HostResolver())
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(proxy.port)/"), timeout: .seconds(5))
        #expect(response.status == .methodNotAllowed)
        try await http.shutdown()
        await proxy.shutdown()
    }
}
