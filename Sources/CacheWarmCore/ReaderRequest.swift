import Foundation

/// A request as the Python reader's `requests.Session` would prepare it: the input of a key,
/// and the `request` map stored in an item.
public struct ReaderRequest: Sendable, Equatable {
    /// What python-requests adds to every request (requests 2.34.2, urllib3 without brotli/zstd).
    public static let defaultRequestsHeaders: [HTTPHeader] = [
        HTTPHeader(name: "User-Agent", value: "python-requests/2.34.2"),
        HTTPHeader(name: "Accept-Encoding", value: "gzip, deflate"),
        HTTPHeader(name: "Accept", value: "*/*"),
        HTTPHeader(name: "Connection", value: "keep-alive"),
    ]

    public var method: String
    public var url: String
    /// Headers the application adds to the session defaults.
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    public var verify: Bool

    public init(method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil, verify: Bool = true) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.verify = verify
    }

    /// A job's request comes from outside: the method must be a token (CR/LF would reach the
    /// request line), header names tokens and values free of CR, LF and NUL (RFC 9110 §5.5),
    /// and counts and sizes bounded.
    public func validate() throws(InvalidRequest) {
        guard HTTPToken.isValid(method), method.utf8.count <= 32 else { throw .invalidMethod(String(method.prefix(40))) }
        guard headers.count <= InvalidRequest.maxHeaders else { throw .invalidHeader("more than \(InvalidRequest.maxHeaders) headers") }
        for header in headers {
            guard HTTPToken.isValid(header.name) else { throw .invalidHeader("'\(Redaction.printable(String(header.name.prefix(64))))' is not a header name token") }
            guard header.value.utf8.count <= InvalidRequest.maxHeaderBytes, !header.value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
                throw .invalidHeader("the value of \(header.name) has CR, LF or NUL, or is over \(InvalidRequest.maxHeaderBytes) bytes")
            }
        }
        if let body, body.count > InvalidRequest.maxBodyBytes { throw .bodyTooLarge(body.count) }
    }

    /// The headers requests sends: session defaults overridden case-insensitively by the
    /// request's own, then `Content-Length` as `prepare_content_length` sets it, then the
    /// Basic `Authorization` that `prepare_auth` derives from credentials in the URL.
    public var preparedHeaders: [HTTPHeader] {
        var merged = Self.defaultRequestsHeaders
        var own = headers
        if let credentials = basicCredentials {
            own.append(HTTPHeader(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString()))
        }
        for header in own {
            if let index = merged.firstIndex(where: { $0.name.lowercased() == header.name.lowercased() }) {
                merged[index].value = header.value
            } else {
                merged.append(header)
            }
        }
        let hasLength = merged.contains { $0.name.lowercased() == "content-length" }
        if let body, !body.isEmpty {
            merged.removeAll { $0.name.lowercased() == "content-length" }
            merged.append(HTTPHeader(name: "Content-Length", value: String(body.count)))
        } else if !["GET", "HEAD"].contains(method.uppercased()) && !hasLength {
            merged.append(HTTPHeader(name: "Content-Length", value: "0"))
        }
        return merged
    }

    /// requests `get_auth_from_url`: `unquote(user):unquote(password)` from the URL's userinfo.
    private var basicCredentials: String? {
        guard url.contains("@"), let authority = URLParts(parsing: url).authority, let at = authority.lastIndex(of: "@") else { return nil }
        let (user, password) = String(authority[..<at]).splitFirst(":")
        return PythonURLCoding.unquote(user) + ":" + PythonURLCoding.unquote(password ?? "")
    }

    /// The request's Content-Type without parameters, lower-cased (requests-cache `normalize_body`).
    var mediaType: String {
        let value = headers.last { $0.name.lowercased() == "content-type" }?.value ?? ""
        return String(value.split(separator: ";", omittingEmptySubsequences: false).first ?? "").lowercased()
    }
}

/// One header line; order and repeats are kept, as on the wire.
public struct HTTPHeader: Sendable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// The first value of a header, by case-insensitive name.
    public func first(named name: String) -> String? {
        let lowered = name.lowercased()
        return first { $0.name.lowercased() == lowered }?.value
    }
}
