import AsyncHTTPClient
@testable import CacheWarmHTTP
import Testing

struct ClientRotationTests {
    @Test func aFreshClientAfterSoManyHostsAndTheOldOneRetiresWithItsLastFetch() async throws {
        let rotation = ClientRotation(hostsPerClient: 2) { HTTPClient(eventLoopGroupProvider: .singleton) }
        let a = rotation.acquire(host: "a.test")
        let b = rotation.acquire(host: "b.test")
        let again = rotation.acquire(host: "a.test")
        #expect(a.generation == 0 && b.generation == 0 && again.generation == 0)
        let c = rotation.acquire(host: "c.test")
        #expect(c.generation == 1 && c.client !== a.client)
        #expect(rotation.release(a.generation) == nil)
        #expect(rotation.release(b.generation) == nil)
        // The last fetch on the retired client hands it back for shutdown, once.
        let retired = try #require(rotation.release(again.generation))
        #expect(retired === a.client)
        try await retired.shutdown()
        #expect(rotation.release(c.generation) == nil)
        await rotation.shutdown()
    }
}
