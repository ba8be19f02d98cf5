/// Where and how to reach DynamoDB, read the way the AWS SDKs read it.
public struct DynamoDBConfiguration: Sendable {
    public var endpoint: Endpoint
    public var region: String
    public var credentials: any AWSCredentialsProvider
    public var requestTimeout: Duration
    public var retry: RetryPolicy

    public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        public var scheme: String
        public var host: String
        public var port: Int

        /// Parses `http(s)://host[:port][/]`.
        public init?(url: String) {
            guard let schemeEnd = url.range(of: "://") else { return nil }
            scheme = String(url[..<schemeEnd.lowerBound]).lowercased()
            guard scheme == "http" || scheme == "https" else { return nil }
            var hostPort = String(url[schemeEnd.upperBound...])
            while hostPort.hasSuffix("/") { hostPort.removeLast() }
            guard !hostPort.isEmpty, !hostPort.contains("/") else { return nil }
            if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
                guard let port = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
                host = String(hostPort[..<colon])
                self.port = port
            } else {
                host = hostPort
                port = scheme == "https" ? 443 : 80
            }
        }

        public init(region: String) {
            scheme = "https"
            host = "dynamodb.\(region).amazonaws.com"
            port = 443
        }

        /// The `Host` header, with the port unless it is the scheme's default (it is signed).
        var hostHeader: String {
            (scheme == "https" && port == 443) || (scheme == "http" && port == 80) ? host : "\(host):\(port)"
        }

        public var url: String { "\(scheme)://\(hostHeader)/" }
        public var description: String { url }
    }

    public init(
        endpoint: Endpoint, region: String, credentials: any AWSCredentialsProvider,
        requestTimeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy()
    ) {
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.requestTimeout = requestTimeout
        self.retry = retry
    }

    public enum ConfigurationError: Error, CustomStringConvertible {
        case noRegion
        case noCredentials
        case badEndpoint(String)

        public var description: String {
            switch self {
            case .noRegion: "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION"
            case .noCredentials: "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            case .badEndpoint(let url): "endpoint URL '\(url)' is not http(s)://host[:port]"
            }
        }
    }

    /// Region from `AWS_REGION` / `AWS_DEFAULT_REGION`; endpoint from the flag,
    /// `AWS_ENDPOINT_URL_DYNAMODB` or `AWS_ENDPOINT_URL`; credentials from the environment.
    public static func fromEnvironment(_ environment: [String: String], endpointURL: String? = nil) throws(ConfigurationError) -> DynamoDBConfiguration {
        let nonEmpty: (String) -> String? = { environment[$0].flatMap { $0.isEmpty ? nil : $0 } }
        guard let region = nonEmpty("AWS_REGION") ?? nonEmpty("AWS_DEFAULT_REGION") else { throw .noRegion }
        guard let credentials = StaticCredentialsProvider(environment: environment) else { throw .noCredentials }
        let endpoint: Endpoint
        if let url = endpointURL ?? nonEmpty("AWS_ENDPOINT_URL_DYNAMODB") ?? nonEmpty("AWS_ENDPOINT_URL") {
            guard let parsed = Endpoint(url: url) else { throw .badEndpoint(url) }
            endpoint = parsed
        } else {
            endpoint = Endpoint(region: region)
        }
        return DynamoDBConfiguration(endpoint: endpoint, region: region, credentials: credentials)
    }
}
