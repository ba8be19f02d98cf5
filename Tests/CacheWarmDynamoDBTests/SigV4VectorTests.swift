import CacheWarmCore
import CacheWarmDynamoDB
import Foundation
import Testing

/// One case of the AWS SigV4 test suite in `../shared/compat/sigv4/`.
struct SigV4Case: CustomTestStringConvertible, Sendable {
    let directory: URL
    var name: String { directory.lastPathComponent }
    var testDescription: String { name }

    static let root: URL = {
        let shared = ProcessInfo.processInfo.environment["CACHEWARM_SHARED_DIR"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
        return shared.appendingPathComponent("compat/sigv4")
    }()

    /// Every folder holding a `.req`, sub-folders included.
    static func all() -> [SigV4Case] {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var cases: [SigV4Case] = []
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "req" { cases.append(SigV4Case(directory: url.deletingLastPathComponent())) }
        }
        return cases.sorted { $0.name < $1.name }
    }

    func file(_ ext: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("\(name).\(ext)"), encoding: .utf8)
    }

    /// Parses `.req`: request line, headers (continuation lines folded), optional body.
    func request() throws -> SigV4Signer.Request {
        let text = try file("req")
        let (head, body) = text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) } ?? (text, "")
        var lines = head.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = String(requestLine.dropFirst(method.count + 1)[..<requestLine.range(of: " HTTP/", options: .backwards)!.lowerBound])
        let (path, query) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) } ?? (target, "")
        var headers: [HTTPHeader] = []
        for line in lines {
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(HTTPHeader(name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        // The session-token case signs a token that only its .creq shows (README of the suite).
        if let tokenLine = try file("creq").components(separatedBy: "\n").first(where: { $0.hasPrefix("x-amz-security-token:") }),
            !headers.contains(where: { $0.name.lowercased() == "x-amz-security-token" })
        {
            headers.append(HTTPHeader(name: "X-Amz-Security-Token", value: String(tokenLine.dropFirst("x-amz-security-token:".count))))
        }
        return SigV4Signer.Request(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }
}

struct SigV4VectorTests {
    static let cases = SigV4Case.all()
    static let signer = SigV4Signer(region: "us-east-1", service: "service")
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let time = Timestamp(isoformat: "2015-08-30T12:36:00+00:00")!

    @Test func allThirtyFourCasesAreFound() {
        #expect(Self.cases.count == 34)
    }

    @Test(arguments: cases)
    func canonicalRequestStringToSignAndAuthorizationMatch(_ vector: SigV4Case) throws {
        let request = try vector.request()
        #expect(Self.signer.canonicalRequest(request) == (try vector.file("creq")))
        #expect(Self.signer.stringToSign(for: request, at: Self.time) == (try vector.file("sts")))
        #expect(Self.signer.authorization(for: request, credentials: Self.credentials, at: Self.time) == (try vector.file("authz")))
    }

    @Test func signingHeadersAddDateTokenAndAuthorizationAndNeverLeakTheSecret() throws {
        let request = SigV4Signer.Request(method: "POST", path: "/", headers: [HTTPHeader(name: "Host", value: "example.amazonaws.com")], body: [])
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "TOKEN")
        let headers = Self.signer.signingHeaders(for: request, credentials: credentials, at: Self.time)
        #expect(headers.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(headers[2].value.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        #expect(!"\(credentials)".contains("wJalr"))
        #expect(!headers.contains { $0.value.contains("wJalr") })
    }
}
