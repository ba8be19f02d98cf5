import AsyncHTTPClient
import CacheWarmCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOHTTP1
import NIOHTTPCompression

/// Fetches a reader's request from its origin the way python-requests would: the reader's
/// headers, redirects followed (up to 30, requests' default) with requests' method rules, the
/// body decompressed and capped. Every hop's host is checked against the address policy.
public final class OriginFetcher: Sendable {
    public struct Configuration: Sendable {
        public var maxBodyBytes: Int
        /// The whole fetch, redirects included.
        public var requestTimeout: Duration
        /// Resolving and connecting to one address (part of the whole fetch's time).
        public var connectTimeout: Duration
        public var maxRedirects: Int
        public var addressPolicy: AddressPolicy
        /// Connections kept per host.
        public var connectionsPerHost: Int

        public init(maxBodyBytes: Int = 10 * 1024 * 1024, requestTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
                    maxRedirects: Int = 30, addressPolicy: AddressPolicy = AddressPolicy(), connectionsPerHost: Int = 8) {
            self.maxBodyBytes = maxBodyBytes
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
            self.maxRedirects = maxRedirects
            self.addressPolicy = addressPolicy
            self.connectionsPerHost = connectionsPerHost
        }
    }

    let clients: ClientRotation
    let proxy: EgressProxy
    let configuration: Configuration

    init(clients: ClientRotation, proxy: EgressProxy, configuration: Configuration) {
        self.clients = clients
        self.proxy = proxy
        self.configuration = configuration
    }

    /// Starts the egress proxy and an HTTP client fitted to fetching through it: no automatic
    /// redirects (each hop is a new request through the proxy), gzip/deflate decoded as
    /// requests does, up to the body limit.
    public static func start(_ configuration: Configuration) async throws -> OriginFetcher {
        let resolver = HostResolver(timeout: configuration.connectTimeout)
        let proxy = try await EgressProxy.start(policy: configuration.addressPolicy, connectTimeout: configuration.connectTimeout, resolver: resolver)
        var client = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            decompression: .enabled(limit: .size(configuration.maxBodyBytes)))
        client.proxy = .server(host: "127.0.0.1", port: proxy.port)
        client.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, configuration.connectionsPerHost)
        // A refused connection fails at once; whether to try again is the caller's decision.
        client.connectionPool.retryConnectionEstablishment = false
        client.timeout.connect = TimeAmount(configuration.connectTimeout)
        let clients = ClientRotation { [client] in HTTPClient(eventLoopGroupProvider: .singleton, configuration: client) }
        return OriginFetcher(clients: clients, proxy: proxy, configuration: configuration)
    }

    public func shutdown() async {
        await clients.shutdown()
        await proxy.shutdown()
    }

    /// Headers not to send as given: the client manages these itself.
    static let managedHeaders: Set<String> = ["connection", "content-length", "host", "transfer-encoding"]

    /// `extraHeaders` (validators) are sent with the reader's headers but are not part of them.
    public func fetch(_ request: ReaderRequest, extraHeaders: [HTTPHeader] = []) async throws(FetchError) -> FetchedResponse {
        let (generation, http) = clients.acquire(host: Self.host(of: request.url))
        let result: Result<FetchedResponse, FetchError>
        do throws(FetchError) {
            result = .success(try await fetch(request, extraHeaders: extraHeaders, using: http))
        } catch {
            result = .failure(error)
        }
        if let retired = clients.release(generation) { try? await retired.shutdown() }
        return try result.get()
    }

    private func fetch(_ request: ReaderRequest, extraHeaders: [HTTPHeader], using http: HTTPClient) async throws(FetchError) -> FetchedResponse {
        let start = ContinuousClock.now
        let deadline = NIODeadline.now() + TimeAmount(configuration.requestTimeout)
        var url: String
        do { url = try URLNormalizer.prepare(request.url) } catch { throw FetchError(.invalidURL, error.description) }
        var method = request.method.uppercased()
        var body = request.body
        var headers = request.preparedHeaders.filter { !Self.managedHeaders.contains($0.name.lowercased()) } + extraHeaders
        var hops: [String] = []
        while true {
            let response = try await execute(http, url: url, method: method, headers: headers, body: body, deadline: deadline)
            if let location = response.headers.first(name: "Location"), (300..<400).contains(Int(response.status.code)), response.status.code != 304 {
                guard hops.count < configuration.maxRedirects else {
                    throw FetchError(.tooManyRedirects, "more than \(configuration.maxRedirects) redirects from \(Redaction.url(request.url))")
                }
                _ = try? await response.body.collect(upTo: configuration.maxBodyBytes)
                let next = try Self.resolve(location, against: url)
                (method, body) = Self.redirectMethod(status: Int(response.status.code), method: method, body: body)
                if body == nil { headers.removeAll { $0.name.lowercased() == "content-type" } }
                headers.removeAll { Self.strippedOnRedirect($0.name.lowercased(), from: url, to: next) }
                hops.append(url)
                url = next
                continue
            }
            let bytes: ByteBuffer
            do {
                bytes = try await response.body.collect(upTo: configuration.maxBodyBytes)
            } catch {
                throw classify(error, url: url)
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

    private func execute(_ http: HTTPClient, url: String, method: String, headers: [HTTPHeader], body: [UInt8]?, deadline: NIODeadline) async throws(FetchError) -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            return try await http.execute(request, deadline: deadline)
        } catch {
            throw classify(error, url: url)
        }
    }

    /// python-requests on a redirect: `Cookie` and `Proxy-Authorization` never travel on (we
    /// keep no cookie jar), `Authorization` only to the same scheme, host and port
    /// (`should_strip_auth`, which allows the http → https upgrade on default ports).
    static func strippedOnRedirect(_ name: String, from old: String, to new: String) -> Bool {
        switch name {
        case "cookie", "proxy-authorization": return true
        case "authorization":
            guard host(of: old) == host(of: new) else { return true }
            let (schemeA, schemeB) = (scheme(of: old), scheme(of: new))
            let (portA, portB) = (port(of: old), port(of: new))
            if schemeA == "http", schemeB == "https", portA == nil || portA == 80, portB == nil || portB == 443 { return false }
            let defaultA = schemeA == "https" ? 443 : 80
            return schemeA != schemeB || (portA ?? defaultA) != (portB ?? defaultA)
        default: return false
        }
    }

    static func scheme(of url: String) -> String {
        String(url.prefix { $0 != ":" }).lowercased()
    }

    /// The explicit port of a prepared URL, if any.
    static func port(of url: String) -> Int? {
        guard let start = url.range(of: "://")?.upperBound else { return nil }
        var authority = url[start...].prefix { !"/?#".contains($0) }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { authority = authority[authority.index(after: close)...] }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        return Int(authority[authority.index(after: colon)...])
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

    func classify(_ error: any Error, url: String) -> FetchError {
        if let error = error as? FetchError { return error }
        if error is NIOTooManyBytesError || error as? NIOHTTPDecompression.DecompressionError == .limit {
            return FetchError(.bodyTooLarge, "body larger than \(configuration.maxBodyBytes) bytes")
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout, .httpProxyHandshakeTimeout:
                return FetchError(.timeout, error.shortDescription)
            case .invalidProxyResponse:
                // The egress proxy refused or could not open the tunnel; it says why.
                return proxy.failure(forHost: Self.host(of: url)) ?? FetchError(.connection, "the egress proxy could not connect")
            default: return FetchError(.connection, error.shortDescription)
            }
        }
        // NIO's socket errors name the system call and errno text, nothing from the request.
        if let error = error as? IOError { return FetchError(.connection, error.description) }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return FetchError(.connection, "\(first.error)")
        }
        return FetchError(.connection, String(describing: type(of: error)))
    }
}

extension TimeAmount {
    /// A `Duration` to the nanosecond.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
