import AsyncHTTPClient
import CacheWarmCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOHTTP1

/// Fetches a reader's request from its origin the way python-requests would: the reader's
/// headers, redirects followed (up to 30, requests' default) with requests' method rules, the
/// body decompressed and capped. Every hop's host is checked against the address policy.
public final class OriginFetcher: Sendable {
    public struct Configuration: Sendable {
        public var maxBodyBytes: Int
        /// The whole fetch, redirects included.
        public var requestTimeout: Duration
        public var maxRedirects: Int
        public var addressPolicy: AddressPolicy

        public init(maxBodyBytes: Int = 10 * 1024 * 1024, requestTimeout: Duration = .seconds(30), maxRedirects: Int = 30, addressPolicy: AddressPolicy = AddressPolicy()) {
            self.maxBodyBytes = maxBodyBytes
            self.requestTimeout = requestTimeout
            self.maxRedirects = maxRedirects
            self.addressPolicy = addressPolicy
        }
    }

    let http: HTTPClient
    let configuration: Configuration
    let resolver = HostResolver()

    public init(http: HTTPClient, configuration: Configuration) {
        self.http = http
        self.configuration = configuration
    }

    /// An HTTP client fitted to fetching: `connections` per host, no automatic redirects (each
    /// hop is checked here), gzip/deflate decoded as requests does.
    public static func makeHTTPClient(connections: Int, connectTimeout: Duration = .seconds(10), maxBodyBytes: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            decompression: .enabled(limit: .size(maxBodyBytes)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connections)
        // A refused connection fails at once; whether to try again is the caller's decision.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .nanoseconds(Int64(connectTimeout.components.seconds) * 1_000_000_000)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Headers not to send as given: the client manages these itself.
    static let managedHeaders: Set<String> = ["connection", "content-length", "host", "transfer-encoding"]

    /// `extraHeaders` (validators) are sent with the reader's headers but are not part of them.
    public func fetch(_ request: ReaderRequest, extraHeaders: [HTTPHeader] = []) async throws(FetchError) -> FetchedResponse {
        let start = ContinuousClock.now
        let deadline = NIODeadline.now() + .nanoseconds(Int64(configuration.requestTimeout.components.seconds) * 1_000_000_000)
        var url: String
        do { url = try URLNormalizer.prepare(request.url) } catch { throw FetchError(.invalidURL, error.description) }
        var method = request.method.uppercased()
        var body = request.body
        var headers = request.preparedHeaders.filter { !Self.managedHeaders.contains($0.name.lowercased()) } + extraHeaders
        var hops: [String] = []
        while true {
            try await checkAddress(of: url)
            let response = try await execute(url: url, method: method, headers: headers, body: body, deadline: deadline)
            if let location = response.headers.first(name: "Location"), (300..<400).contains(Int(response.status.code)), response.status.code != 304 {
                guard hops.count < configuration.maxRedirects else {
                    throw FetchError(.tooManyRedirects, "more than \(configuration.maxRedirects) redirects from \(request.url)")
                }
                _ = try? await response.body.collect(upTo: configuration.maxBodyBytes)
                let next = try Self.resolve(location, against: url)
                (method, body) = Self.redirectMethod(status: Int(response.status.code), method: method, body: body)
                if body == nil { headers.removeAll { $0.name.lowercased() == "content-type" } }
                if Self.host(of: next) != Self.host(of: url) { headers.removeAll { $0.name.lowercased() == "authorization" } }
                hops.append(url)
                url = next
                continue
            }
            let bytes: ByteBuffer
            do {
                bytes = try await response.body.collect(upTo: configuration.maxBodyBytes)
            } catch let error as NIOTooManyBytesError {
                _ = error
                throw FetchError(.bodyTooLarge, "body larger than \(configuration.maxBodyBytes) bytes")
            } catch {
                throw Self.classify(error)
            }
            let elapsed = ContinuousClock.now - start
            return FetchedResponse(
                url: url, status: Int(response.status.code), reason: response.status.reasonPhrase,
                headers: response.headers.map { HTTPHeader(name: $0.name, value: $0.value) },
                body: Array(bytes.readableBytesView),
                elapsedMicroseconds: elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000,
                redirectedFrom: hops)
        }
    }

    private func execute(url: String, method: String, headers: [HTTPHeader], body: [UInt8]?, deadline: NIODeadline) async throws(FetchError) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            return try await http.execute(request, deadline: deadline)
        } catch {
            throw Self.classify(error)
        }
    }

    private func checkAddress(of url: String) async throws(FetchError) {
        let host = Self.host(of: url)
        let policy = configuration.addressPolicy
        if policy.isAllowedHost(host) { return }
        for address in try await resolver.addresses(of: host) {
            if let refused = policy.refusal(for: address) {
                throw FetchError(.refused, "\(host) resolves to \(refused.rawValue) address \(address); allow it explicitly to fetch it")
            }
        }
    }

    /// The host of a prepared http(s) URL, without brackets, port or userinfo.
    public static func host(of url: String) -> String {
        guard let start = url.range(of: "://")?.upperBound else { return "" }
        var authority = url[start...].prefix { !"/?#".contains($0) }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return String(authority.prefix { $0 != ":" })
    }

    /// requests `resolve_redirects`: relative locations are joined to the current URL.
    static func resolve(_ location: String, against base: String) throws(FetchError) -> String {
        let joined = URL(string: location, relativeTo: URL(string: base))?.absoluteString ?? location
        do { return try URLNormalizer.prepare(joined) } catch { throw FetchError(.invalidURL, "redirect to \(error.description)") }
    }

    /// requests `rebuild_method`: 303 turns everything but HEAD into GET; 301/302 turn POST into GET.
    static func redirectMethod(status: Int, method: String, body: [UInt8]?) -> (String, [UInt8]?) {
        if (status == 303 && method != "HEAD") || ((status == 301 || status == 302) && method == "POST") { return ("GET", nil) }
        if status == 307 || status == 308 { return (method, body) }
        return (method, status == 303 ? nil : body)
    }

    static func classify(_ error: any Error) -> FetchError {
        if let error = error as? FetchError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return FetchError(.timeout, error.shortDescription)
            default: return FetchError(.connection, error.shortDescription)
            }
        }
        if error is NIOTooManyBytesError { return FetchError(.bodyTooLarge, "body over the limit") }
        // NIO's socket errors name the system call and errno text, nothing from the request.
        if let error = error as? IOError { return FetchError(.connection, error.description) }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return FetchError(.connection, "\(first.error)")
        }
        return FetchError(.connection, String(describing: type(of: error)))
    }
}
