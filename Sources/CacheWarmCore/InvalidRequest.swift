/// Why a request cannot be made: the URL cases in which requests itself raises (compat spec
/// §3.3, Stage A), schemes other than http and https (requests has no adapter for them), and
/// the bounds a job from outside must keep (method token, header syntax, sizes). Each message
/// names the field.
public enum InvalidRequest: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case missingScheme(String)
    case unsupportedScheme(String)
    case missingHost(String)
    case invalidHost(String)
    case invalidPort(String)
    case urlTooLong(Int)
    case invalidMethod(String)
    case invalidHeader(String)
    case bodyTooLarge(Int)

    /// Longer URLs are refused by most servers and CDNs (8 KiB is CloudFront's limit).
    public static let maxURLBytes = 8192
    public static let maxHeaders = 100
    public static let maxHeaderBytes = 8192
    public static let maxBodyBytes = 1024 * 1024

    /// The job field at fault. Messages show URLs redacted (userinfo, secret parameters) and
    /// without control characters.
    public var field: String {
        switch self {
        case .invalidMethod: "method"
        case .invalidHeader: "headers"
        case .bodyTooLarge: "body"
        default: "url"
        }
    }

    public var reason: String {
        switch self {
        case .empty: "empty URL"
        case .missingScheme(let url): "no scheme in URL '\(Redaction.url(url))' (did you mean https://\(Redaction.url(url))?)"
        case .unsupportedScheme(let url): "unsupported scheme in URL '\(Redaction.url(url))': only http and https"
        case .missingHost(let url): "no host in URL '\(Redaction.url(url))'"
        case .invalidHost(let url): "invalid host in URL '\(Redaction.url(url))'"
        case .invalidPort(let url): "invalid port in URL '\(Redaction.url(url))'"
        case .urlTooLong(let bytes): "\(bytes) bytes long, over the limit of \(Self.maxURLBytes)"
        case .invalidMethod(let method): "'\(Redaction.printable(method))' is not an HTTP method token (RFC 9110 §9.1)"
        case .invalidHeader(let reason): reason
        case .bodyTooLarge(let bytes): "\(bytes) bytes, over the limit of \(Self.maxBodyBytes)"
        }
    }

    public var description: String { "\(field): \(reason)" }
}

/// RFC 9110 §5.6.2 tokens: method and header names.
public enum HTTPToken {
    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 256 && text.utf8.allSatisfy(isTokenByte)
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
