import ArgumentParser
import CacheWarmCore

/// How the Python reader sends its requests: method, extra headers, body, TLS verification.
struct RequestOptions: ParsableArguments {
    @Option(name: .customLong("method"), help: "HTTP method of the reader's request.")
    var method = "GET"

    @Option(name: [.customShort("H"), .customLong("header")], help: "A header the reader's request carries, 'Name: value'; repeatable.")
    var headers: [String] = []

    @Option(name: .customLong("data"), help: "Request body text (its Content-Type comes from --header).")
    var data: String?

    @Flag(name: .customLong("no-verify"), help: "The reader uses verify=False.")
    var noVerify = false

    func validate() throws {
        _ = try parsedHeaders()
    }

    func parsedHeaders() throws -> [HTTPHeader] {
        try headers.map { line in
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw ValidationError("--header: '\(line)' is not 'Name: value'")
            }
            return HTTPHeader(name: String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                              value: String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
    }

    func request(url: String) throws -> ReaderRequest {
        ReaderRequest(method: method.uppercased(), url: url, headers: try parsedHeaders(), body: data.map { Array($0.utf8) }, verify: !noVerify)
    }
}
