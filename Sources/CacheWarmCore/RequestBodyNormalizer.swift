/// requests-cache `normalize_body` (compat spec §3.5): JSON and form bodies are sorted and
/// filtered so that equivalent requests share a key; anything else is used as it is.
enum RequestBodyNormalizer {
    static let maxNormalizedBodyBytes = 10 * 1024 * 1024

    static func normalize(_ body: [UInt8]?, mediaType: String, ignoredParameters: [String]) -> [UInt8] {
        guard let body, !body.isEmpty else { return [] }
        if mediaType.hasPrefix("application/") && mediaType.contains("json") {
            return normalizeJSON(body, ignoredParameters: ignoredParameters)
        }
        if mediaType == "application/x-www-form-urlencoded" {
            let text = String(decoding: body, as: UTF8.self)
            return Array(URLNormalizer.normalizeParameters(text, ignoredParameters: ignoredParameters).utf8)
        }
        return body
    }

    static func normalizeJSON(_ body: [UInt8], ignoredParameters: [String]) -> [UInt8] {
        guard body.count > 2, body.count <= maxNormalizedBodyBytes,
            let text = String(validating: body, as: UTF8.self),
            let value = try? JSONValue.parse(text),
            let sorted = try? filterSort(value, ignored: Set(ignoredParameters))
        else { return body }
        return Array(sorted.dumps().utf8)
    }

    struct Unsortable: Error {}

    /// `filter_sort_json`: objects get sorted keys with ignored ones redacted; anything else is
    /// treated as a sequence and sorted (a string becomes its sorted characters).
    static func filterSort(_ value: JSONValue, ignored: Set<String>) throws -> JSONValue {
        switch value {
        case .object(let members):
            return .object(
                members.sorted { PythonURLCoding.codePointLess($0.0, $1.0) }
                    .map { ignored.contains($0.0) ? ($0.0, .string("REDACTED")) : $0 })
        case .array(let items):
            return .array(try filterSortList(items, ignored: ignored))
        case .string(let text):
            return .array(try filterSortList(text.unicodeScalars.map { .string(String($0)) }, ignored: ignored))
        default:
            throw Unsortable()
        }
    }

    /// `filter_sort_list`: `sorted(data)`, then ignored names removed (which needs hashable items).
    private static func filterSortList(_ items: [JSONValue], ignored: Set<String>) throws -> [JSONValue] {
        var failure: Error?
        let sorted = items.sorted { a, b in
            do { return try pythonLess(a, b) } catch { failure = error; return false }
        }
        if let failure { throw failure }
        guard !ignored.isEmpty else { return sorted }
        return try sorted.filter { item in
            switch item {
            case .array, .object: throw Unsortable()
            case .string(let s): return !ignored.contains(s)
            default: return true
            }
        }
    }

    /// Python's `<` between JSON values; mixed or unordered types raise, as in Python.
    private static func pythonLess(_ a: JSONValue, _ b: JSONValue) throws -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return PythonURLCoding.codePointLess(x, y)
        case (.array(let x), .array(let y)):
            for (p, q) in zip(x, y) where p != q { return try pythonLess(p, q) }
            return x.count < y.count
        default:
            guard let x = numeric(a), let y = numeric(b) else { throw Unsortable() }
            return x < y
        }
    }

    private static func numeric(_ value: JSONValue) -> Double? {
        switch value {
        case .bool(let b): b ? 1 : 0
        case .int(let digits): Double(digits)
        case .float(let d): d
        default: nil
        }
    }
}
