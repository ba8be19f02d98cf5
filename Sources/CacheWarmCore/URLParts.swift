/// The generic split of an absolute URL: scheme, authority, path, query, fragment (RFC 3986 App. B).
struct URLParts {
    var scheme: String?
    var authority: String?
    var path: String
    var query: String?
    var fragment: String?

    init(parsing url: String) {
        var rest = Substring(url)
        if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isASCII, first.isLetter,
            rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        {
            scheme = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(where: { "/?#\\".contains($0) }) ?? rest.endIndex
            authority = String(rest[..<end])
            rest = rest[end...]
        }
        let (beforeFragment, fragment) = String(rest).splitFirst("#")
        self.fragment = fragment
        (path, query) = beforeFragment.splitFirst("?")
    }
}

extension String {
    /// Python's `partition`: the text before the first separator and, if found, after it.
    func splitFirst(_ separator: Character) -> (String, String?) {
        guard let at = firstIndex(of: separator) else { return (self, nil) }
        return (String(self[..<at]), String(self[index(after: at)...]))
    }

    /// Python's `rpartition`, keeping the text after the last separator.
    func splitLast(_ separator: Character) -> (String?, String) {
        guard let at = lastIndex(of: separator) else { return (nil, self) }
        return (String(self[..<at]), String(self[index(after: at)...]))
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
