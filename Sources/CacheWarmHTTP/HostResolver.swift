import CacheWarmCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Resolves host names with the system resolver (`getaddrinfo`) on NIO's thread pool: the call
/// blocks, so it never runs on the cooperative pool. Answers are kept for a few seconds, so a
/// run over many URLs of one host does not ask the resolver once per URL.
public final class HostResolver: Sendable {
    private let cache = Mutex<[String: (addresses: [IPAddress], until: ContinuousClock.Instant)]>([:])
    private let timeToLive: Duration

    public init(timeToLive: Duration = .seconds(10)) {
        self.timeToLive = timeToLive
    }

    public func addresses(of host: String) async throws(FetchError) -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[host] }), cached.until > now { return cached.addresses }
        let resolved = try await resolve(host)
        cache.withLock { $0[host] = (resolved, now + timeToLive) }
        return resolved
    }

    private func resolve(_ host: String) async throws(FetchError) -> [IPAddress] {
        let result: [IPAddress]?
        do {
            result = try await NIOThreadPool.singleton.runIfActive { Self.getaddrinfo(host) }
        } catch {
            throw FetchError(.dnsFailure, "could not resolve \(host)")
        }
        guard let result, !result.isEmpty else { throw FetchError(.dnsFailure, "could not resolve \(host)") }
        return result
    }

    private static func getaddrinfo(_ host: String) -> [IPAddress]? {
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
