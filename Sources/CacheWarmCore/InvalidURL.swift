/// Why a URL cannot be requested: the cases in which requests itself raises (compat spec §3.3,
/// Stage A), plus schemes other than http and https, which requests has no adapter for.
public enum InvalidURL: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case missingScheme(String)
    case unsupportedScheme(String)
    case missingHost(String)
    case invalidHost(String)
    case invalidPort(String)

    public var description: String {
        switch self {
        case .empty: "empty URL"
        case .missingScheme(let url): "no scheme in URL '\(url)' (did you mean https://\(url)?)"
        case .unsupportedScheme(let url): "unsupported scheme in URL '\(url)': only http and https"
        case .missingHost(let url): "no host in URL '\(url)'"
        case .invalidHost(let url): "invalid host in URL '\(url)'"
        case .invalidPort(let url): "invalid port in URL '\(url)'"
        }
    }
}
