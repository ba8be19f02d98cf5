import CacheWarmCore

/// Why a fetch produced no response. Descriptions name the problem, never a body or credential.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case invalidURL = "invalid-url"
        /// The address policy refused the host (SSRF protection); never retried.
        case refused
        case dnsFailure = "dns"
        case connection
        case timeout
        case tooManyRedirects = "too-many-redirects"
        case bodyTooLarge = "body-too-large"
        case protocolError = "protocol"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    /// Network trouble may pass; a refused, invalid or oversized request will not.
    public var isRetryable: Bool {
        switch kind {
        case .dnsFailure, .connection, .timeout, .protocolError: true
        case .invalidURL, .refused, .tooManyRedirects, .bodyTooLarge: false
        }
    }
}
