import CacheWarmCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Resolves host names with the system resolver (`getaddrinfo`) on threads of its own: the
/// call blocks, so it never runs on the cooperative pool, and a slow name server holds one of
/// these threads, not the event loops or the other fetches. A lookup is given up after
/// `timeout`. Answers are kept for a few seconds (the egress proxy dials the address it
/// checked, so a kept answer is never a way around the check), and the table is bounded.
public final class HostResolver: Sendable {
    private let cache = Mutex<[String: (addresses: [IPAddress], until: ContinuousClock.Instant)]>([:])
    private let timeToLive: Duration
    private let timeout: Duration
    private let pool: NIOThreadPool
    /// The blocking lookup: `getaddrinfo`, or a stand-in DNS in tests.
    private let lookup: @Sendable (String) -> [IPAddress]?
    static let capacity = 4096

    public init(timeToLive: Duration = .seconds(10), timeout: Duration = .seconds(10), threads: Int = 16,
                lookup: @escaping @Sendable (String) -> [IPAddress]? = HostResolver.getaddrinfo) {
        self.timeToLive = timeToLive
        self.timeout = timeout
        self.lookup = lookup
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    public func addresses(of host: String) async throws(FetchError) -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[host] }), cached.until > now { return cached.addresses }
        let resolved = try await resolve(host)
        cache.withLock { cache in
            if cache.count >= Self.capacity { cache = cache.filter { $0.value.until > now } }
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[host] = (resolved, now + timeToLive)
        }
        return resolved
    }

    private func resolve(_ host: String) async throws(FetchError) -> [IPAddress] {
        let pool = self.pool, timeout = self.timeout, lookup = self.lookup
        let result: [IPAddress]?
        do {
            result = try await withThrowingTaskGroup(of: [IPAddress]?.self) { group in
                group.addTask { try await pool.runIfActive { lookup(host) } }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw FetchError(.timeout, "resolving \(host) took longer than \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch let error as FetchError {
            throw error
        } catch {
            throw FetchError(.dnsFailure, "could not resolve \(host)")
        }
        guard let result, !result.isEmpty else { throw FetchError(.dnsFailure, "could not resolve \(host)") }
        return result
    }

    public static func getaddrinfo(_ host: String) -> [IPAddress]? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard Glibc.getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let sockaddr = entry.pointee.ai_addr {
                switch Int32(sockaddr.pointee.sa_family) {
                case AF_INET:
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        let raw = $0.pointee.sin_addr.s_addr  // network byte order in memory
                        addresses.append(.v4(withUnsafeBytes(of: raw) { Array($0) }))
                    }
                case AF_INET6:
                    sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        addresses.append(.v6(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }))
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
