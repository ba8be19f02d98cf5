import AsyncHTTPClient
import CacheWarmCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A small DynamoDB client: the JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Op>`) signed
/// with SigV4, over async-http-client. Only the operations cachewarm uses.
public final class DynamoDBClient: Sendable {
    let http: HTTPClient
    let configuration: DynamoDBConfiguration
    let signer: SigV4Signer
    let logger: Logger
    static let maxResponseBytes = 32 * 1024 * 1024

    public init(http: HTTPClient, configuration: DynamoDBConfiguration, logger: Logger) {
        self.http = http
        self.configuration = configuration
        self.signer = SigV4Signer(region: configuration.region, service: "dynamodb")
        self.logger = logger
    }

    public var endpoint: DynamoDBConfiguration.Endpoint { configuration.endpoint }

    /// An HTTP client for DynamoDB: a refused connection fails at once (our retry policy, not
    /// the pool, decides about retries), and the pool holds `connections` per host.
    public static func makeHTTPClient(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connections)
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// One call with retries of throttling, 5xx and transport errors (full-jitter backoff).
    func call(_ operation: String, _ body: [UInt8]) async throws(DynamoDBError) -> JSONValue {
        var attempt = 0
        while true {
            do {
                return try await send(operation, body)
            } catch {
                guard configuration.retry.shouldRetry(error, attempt: attempt) else { throw error }
                logger.debug("retrying DynamoDB call", metadata: ["operation": "\(operation)", "error.type": "\(error.type)", "attempt": "\(attempt + 1)"])
                await backoff(attempt: attempt)
                attempt += 1
            }
        }
    }

    func backoff(attempt: Int) async {
        try? await Task.sleep(for: configuration.retry.delay(attempt: attempt, random: Double.random(in: 0..<1)))
    }

    /// One signed POST; an AWS error body becomes a `DynamoDBError` with its type and message.
    func send(_ operation: String, _ body: [UInt8]) async throws(DynamoDBError) -> JSONValue {
        let endpoint = configuration.endpoint
        let credentials: AWSCredentials
        do {
            credentials = try await configuration.credentials.credentials()
        } catch {
            throw DynamoDBError(kind: .service, type: "CredentialsError", message: "credentials could not be loaded")
        }
        let headers = [
            HTTPHeader(name: "Host", value: endpoint.hostHeader),
            HTTPHeader(name: "Content-Type", value: "application/x-amz-json-1.0"),
            HTTPHeader(name: "X-Amz-Target", value: "DynamoDB_20120810.\(operation)"),
        ]
        let now = Timestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let toSign = SigV4Signer.Request(method: "POST", path: "/", headers: headers, body: body)
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        for header in headers + signer.signingHeaders(for: toSign, credentials: credentials, at: now) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))

        let status: Int
        let payload: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(configuration.requestTimeout.nanoseconds)), logger: logger)
            status = Int(response.status.code)
            payload = try await response.body.collect(upTo: Self.maxResponseBytes)
        } catch {
            // Transport errors only: no request content is in them.
            throw DynamoDBError(kind: .unreachable, type: "Unreachable", message: "\(endpoint): \(Self.shortDescription(error))")
        }
        let json = try? JSONValue.parse(bytes: Array(payload.readableBytesView))
        if (200..<300).contains(status), let json { return json }
        if let json, let type = json["__type"]?.string {
            let shortType = type.split(separator: "#").last.map(String.init) ?? type
            let message = json["message"]?.string ?? json["Message"]?.string ?? ""
            throw DynamoDBError(kind: .service, type: shortType, message: message, httpStatus: status)
        }
        throw DynamoDBError(kind: .invalidResponse, type: "InvalidResponse", message: "HTTP \(status) without an AWS error body", httpStatus: status)
    }

    static func shortDescription(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return error.shortDescription }
        return String(describing: type(of: error))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Request bodies: small JSON documents built from `JSONValue` and wire-encoded items.
enum RequestBody {
    static func json(_ value: JSONValue) -> [UInt8] {
        Array(value.dumps().utf8)
    }
}
