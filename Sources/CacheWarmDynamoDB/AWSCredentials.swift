/// AWS credentials. Their description never shows the secret or the session token.
public struct AWSCredentials: Sendable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String { "AWSCredentials(accessKeyID: \(accessKeyID), secret: <redacted>)" }
}

/// Where credentials come from; the seam for profiles, web identity, container and instance
/// credentials, which may refresh themselves.
public protocol AWSCredentialsProvider: Sendable {
    func credentials() async throws -> AWSCredentials
}

/// Fixed credentials, e.g. from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
public struct StaticCredentialsProvider: AWSCredentialsProvider {
    let value: AWSCredentials

    public init(_ credentials: AWSCredentials) {
        value = credentials
    }

    /// The SDKs' environment variables, or nil when the key pair is not set.
    public init?(environment: [String: String]) {
        guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        value = AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
    }

    public func credentials() async throws -> AWSCredentials { value }
}
