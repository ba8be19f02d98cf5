import CacheWarmCore
import Crypto

/// AWS Signature Version 4 for header-signed requests (AWS General Reference, "Create a signed
/// AWS API request"). Pure: the signing time is a parameter.
public struct SigV4Signer: Sendable {
    public struct Request: Sendable {
        public var method: String
        /// The path as in the request line, not yet URI-encoded.
        public var path: String
        /// The raw query string, without `?`.
        public var query: String
        /// Every header here is signed.
        public var headers: [HTTPHeader]
        public var body: [UInt8]

        public init(method: String, path: String, query: String = "", headers: [HTTPHeader], body: [UInt8]) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    public let region: String
    public let service: String

    public init(region: String, service: String) {
        self.region = region
        self.service = service
    }

    /// The headers to add to `request`: `X-Amz-Date`, `X-Amz-Security-Token` (signed, when the
    /// credentials have a session token) and `Authorization`.
    public func signingHeaders(for request: Request, credentials: AWSCredentials, at time: Timestamp) -> [HTTPHeader] {
        var added = [HTTPHeader(name: "X-Amz-Date", value: Self.amzDate(time))]
        if let token = credentials.sessionToken { added.append(HTTPHeader(name: "X-Amz-Security-Token", value: token)) }
        var signed = request
        signed.headers += added
        return added + [HTTPHeader(name: "Authorization", value: authorization(for: signed, credentials: credentials, at: time))]
    }

    /// Step 4: the Authorization header value for a request whose headers are all signed.
    public func authorization(for request: Request, credentials: AWSCredentials, at time: Timestamp) -> String {
        let scope = credentialScope(time)
        let signature = hex(Array(HMAC<SHA256>.authenticationCode(
            for: Array(stringToSign(for: request, at: time).utf8), using: signingKey(credentials.secretAccessKey, time))))
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders(request)), Signature=\(signature)"
    }

    /// Step 2: algorithm, request time, credential scope and the hash of the canonical request.
    public func stringToSign(for request: Request, at time: Timestamp) -> String {
        let hashed = hex(Array(SHA256.hash(data: Array(canonicalRequest(request).utf8))))
        return "AWS4-HMAC-SHA256\n\(Self.amzDate(time))\n\(credentialScope(time))\n\(hashed)"
    }

    /// Step 1: method, canonical URI, canonical query, canonical headers, signed headers, payload hash.
    public func canonicalRequest(_ request: Request) -> String {
        let headers = canonicalHeaders(request.headers)
        return [
            request.method, canonicalURI(request.path), canonicalQuery(request.query),
            headers.map { "\($0.0):\($0.1)\n" }.joined(), signedHeaders(request),
            hex(Array(SHA256.hash(data: request.body))),
        ].joined(separator: "\n")
    }

    // MARK: Canonical parts

    /// Dot segments and empty segments removed, each segment URI-encoded once (not for S3).
    func canonicalURI(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        var uri = "/" + segments.map { Self.uriEncode(String($0)) }.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty { uri += "/" }
        return uri
    }

    /// Parameters decoded, re-encoded and sorted by name, then value.
    func canonicalQuery(_ query: String) -> String {
        let pairs: [(String, String)] = query.split(separator: "&").map { pair in
            let (name, value) = String(pair).splitAtFirstEquals()
            return (Self.uriEncode(Self.percentDecode(name)), Self.uriEncode(Self.percentDecode(value)))
        }
        let sorted = pairs.sorted { (a: (String, String), b: (String, String)) -> Bool in a.0 == b.0 ? a.1 < b.1 : a.0 < b.0 }
        return sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Lower-case names, trimmed values with inner runs of spaces collapsed, repeats joined by `,`.
    func canonicalHeaders(_ headers: [HTTPHeader]) -> [(String, String)] {
        var values: [String: [String]] = [:]
        for header in headers {
            let collapsed = header.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
            values[header.name.lowercased(), default: []].append(collapsed)
        }
        return values.keys.sorted().map { ($0, values[$0]!.joined(separator: ",")) }
    }

    func signedHeaders(_ request: Request) -> String {
        canonicalHeaders(request.headers).map(\.0).joined(separator: ";")
    }

    private func credentialScope(_ time: Timestamp) -> String {
        "\(Self.amzDate(time).prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// Step 3: kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    private func signingKey(_ secret: String, _ time: Timestamp) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [String(Self.amzDate(time).prefix(8)), region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// `YYYYMMDDTHHMMSSZ`.
    static func amzDate(_ time: Timestamp) -> String {
        String(time.isoformat.prefix(19).filter { $0 != "-" && $0 != ":" }) + "Z"
    }

    /// RFC 3986 unreserved characters kept, everything else `%XX` (upper-case), UTF-8.
    static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }

    fileprivate func splitAtFirstEquals() -> (String, String) {
        guard let at = firstIndex(of: "=") else { return (self, "") }
        return (String(self[..<at]), String(self[index(after: at)...]))
    }
}
