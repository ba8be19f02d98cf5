import Crypto

/// The requests-cache key of a request, with every intermediate part (compat spec §3).
public struct CacheKey: Sendable, Equatable {
    public let method: String
    public let preparedURL: String
    public let normalizedURL: String
    public let normalizedBody: [UInt8]
    public let verifyPart: String
    public let matchedHeaderParts: [String]
    public let serializerPart: String
    /// 16 lowercase hex characters for BLAKE2b, 64 for SHA-256.
    public let key: String

    /// `create_key(request, ignored_parameters, match_headers, serializer, verify=...)`.
    public init(request: ReaderRequest, settings: ReaderSettings) throws(InvalidRequest) {
        try request.validate()
        method = request.method.uppercased()
        preparedURL = try URLNormalizer.prepare(request.url)
        normalizedURL = URLNormalizer.normalize(
            URLNormalizer.filter(preparedURL, ignoredParameters: settings.ignoredParameters))
        normalizedBody = RequestBodyNormalizer.normalize(
            request.body, mediaType: request.mediaType, ignoredParameters: settings.ignoredParameters)
        verifyPart = request.verify ? "True" : ""
        matchedHeaderParts = Self.matchedHeaders(
            request.preparedHeaders, match: settings.matchHeaders, ignoredParameters: settings.ignoredParameters)
        serializerPart = ReaderSettings.dynamoDBSerializerName

        let parts: [[UInt8]] =
            [Array(method.utf8), Array(normalizedURL.utf8), normalizedBody, Array(verifyPart.utf8)]
            + matchedHeaderParts.map { Array($0.utf8) } + [Array(serializerPart.utf8)]
        switch settings.keyHash {
        case .blake2b:
            var hasher = BLAKE2b(digestSize: 8)
            for part in parts { hasher.update(part) }
            key = Self.hex(hasher.finalize())
        case .sha256:
            var hasher = SHA256()
            for part in parts { hasher.update(data: part) }
            key = Self.hex(Array(hasher.finalize()))
        }
    }

    /// `normalize_headers` then `get_matched_headers` (compat spec §3.6).
    static func matchedHeaders(_ headers: [HTTPHeader], match: ReaderSettings.MatchHeaders, ignoredParameters: [String]) -> [String] {
        let names: [String]
        switch match {
        case .none: return []
        case .list(let list): names = list
        case .all: names = headers.map(\.name)
        }
        let ignored = Set(ignoredParameters)
        // Later duplicates (case-insensitively) replace earlier ones, as in CaseInsensitiveDict.
        var values: [String: String] = [:]
        for header in headers {
            values[header.name.lowercased()] = normalizeHeaderValue(ignored.contains(header.name) ? "REDACTED" : header.value)
        }
        return names.sorted { PythonURLCoding.codePointLess($0.lowercased(), $1.lowercased()) }
            .compactMap { name in values[name.lowercased()].map { "\(name.lowercased())=\($0)" } }
    }

    /// A value with a comma is lower-cased, split, trimmed, sorted and re-joined.
    static func normalizeHeaderValue(_ value: String) -> String {
        guard value.contains(",") else { return value }
        return value.lowercased().split(separator: ",")
            .map { $0.trimmingPythonWhitespace() }
            .filter { !$0.isEmpty }
            .sorted(by: PythonURLCoding.codePointLess)
            .joined(separator: ", ")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    /// Python's `str.strip()`.
    func trimmingPythonWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
