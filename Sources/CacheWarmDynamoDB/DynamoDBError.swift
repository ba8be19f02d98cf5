/// Every failure of a DynamoDB call. The description carries the AWS error type, message and
/// HTTP status; never credentials, signatures or item contents.
public struct DynamoDBError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// DynamoDB answered with an error (`__type` in the body).
        case service
        /// No answer: connection refused, DNS, TLS, timeout.
        case unreachable
        /// An answer we could not understand.
        case invalidResponse
    }

    public var kind: Kind
    /// The AWS error type, e.g. `ValidationException` (the text after `#` in `__type`).
    public var type: String
    public var message: String
    public var httpStatus: Int?

    public init(kind: Kind, type: String, message: String, httpStatus: Int? = nil) {
        self.kind = kind
        self.type = type
        self.message = message
        self.httpStatus = httpStatus
    }

    public var description: String {
        let status = httpStatus.map { " (HTTP \($0))" } ?? ""
        return "\(type): \(message)\(status)"
    }

    static let throttlingTypes: Set<String> = [
        "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    ]

    static let credentialsTypes: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "ExpiredToken", "IncompleteSignatureException",
        "MissingAuthenticationTokenException", "InvalidClientTokenId", "SignatureDoesNotMatch", "AccessDeniedException",
    ]

    /// The credentials are missing, wrong, expired or not allowed: no item is at fault.
    public var isCredentialsProblem: Bool { kind == .service && Self.credentialsTypes.contains(type) }

    /// Throttling, 5xx and transport failures are worth another try; validation errors are not.
    public var isRetryable: Bool {
        switch kind {
        case .unreachable: true
        case .invalidResponse: (httpStatus ?? 0) >= 500
        case .service: Self.throttlingTypes.contains(type) || (httpStatus ?? 0) >= 500
        }
    }
}
