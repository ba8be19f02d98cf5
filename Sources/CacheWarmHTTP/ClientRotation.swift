import AsyncHTTPClient
import Synchronization

/// async-http-client keeps a connection pool object per host until the client shuts down (its
/// idle connections close, the pool objects stay). A worker that meets many hosts over weeks
/// moves to a fresh client after `hostsPerClient` distinct hosts; a retired client shuts down
/// when the last fetch that uses it ends.
final class ClientRotation: Sendable {
    private struct State {
        var current: HTTPClient
        var generation = 0
        var hosts: Set<String> = []
        var inFlight: [Int: Int] = [:]
        var retired: [Int: HTTPClient] = [:]
    }

    private let state: Mutex<State>
    private let makeClient: @Sendable () -> HTTPClient
    let hostsPerClient: Int

    init(hostsPerClient: Int = 4096, makeClient: @escaping @Sendable () -> HTTPClient) {
        self.hostsPerClient = hostsPerClient
        self.makeClient = makeClient
        state = Mutex(State(current: makeClient()))
    }

    /// The client for a fetch that starts at `host`, and its generation for `release`.
    func acquire(host: String) -> (generation: Int, client: HTTPClient) {
        state.withLock { state in
            if !state.hosts.contains(host), state.hosts.count >= hostsPerClient {
                if state.inFlight[state.generation, default: 0] > 0 { state.retired[state.generation] = state.current }
                state.current = makeClient()
                state.generation += 1
                state.hosts = []
            }
            state.hosts.insert(host)
            state.inFlight[state.generation, default: 0] += 1
            return (state.generation, state.current)
        }
    }

    /// A retired client whose last fetch this was: the caller shuts it down.
    func release(_ generation: Int) -> HTTPClient? {
        state.withLock { state in
            state.inFlight[generation, default: 1] -= 1
            guard state.inFlight[generation] == 0 else { return nil }
            state.inFlight[generation] = nil
            return state.retired.removeValue(forKey: generation)
        }
    }

    func shutdown() async {
        let clients = state.withLock { [$0.current] + Array($0.retired.values) }
        for client in clients { try? await client.shutdown() }
    }
}
