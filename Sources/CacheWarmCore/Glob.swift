/// `fnmatch` (case-sensitive, as on POSIX): `*`, `?` and `[seq]` / `[!seq]`.
enum Glob {
    static func matches(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var t = 0, p = 0, starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count, case (true, let next) = single(text[t], pattern, p) {
                t += 1
                p = next
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Matches one character at pattern position `p`; returns whether it matched and the next position.
    private static func single(_ c: Unicode.Scalar, _ pattern: [Unicode.Scalar], _ p: Int) -> (Bool, Int) {
        switch pattern[p] {
        case "?": return (true, p + 1)
        case "[":
            var i = p + 1
            let negate = i < pattern.count && pattern[i] == "!"
            if negate { i += 1 }
            var found = false
            var first = true
            while i < pattern.count && (first || pattern[i] != "]") {
                first = false
                if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                    if pattern[i].value <= c.value && c.value <= pattern[i + 2].value { found = true }
                    i += 3
                } else {
                    if pattern[i] == c { found = true }
                    i += 1
                }
            }
            guard i < pattern.count else { return (c == "[", p + 1) }
            return (found != negate, i + 1)
        default: return (pattern[p] == c, p + 1)
        }
    }
}
