/// `CacheDirectives.from_headers`: Cache-Control directives plus Expires and validators.
struct CacheDirectives {
    var maxAge: Int64?
    var noStore = false
    var immutable = false
    var expires: String?
    var hasValidator = false

    init(_ headers: [HTTPHeader]) {
        for directive in (headers.first(named: "Cache-Control") ?? "").split(separator: ",") {
            let text = directive.trimmingPythonWhitespace().lowercased()
            let (name, value) = text.splitFirst("=")
            switch name {
            case "max-age": maxAge = value.flatMap { Self.seconds($0.trimmingPythonWhitespace()) }
            case "no-store": noStore = true
            case "immutable": immutable = true
            default: break
            }
        }
        expires = headers.first(named: "Expires")
        hasValidator = headers.first(named: "ETag") != nil || headers.first(named: "Last-Modified") != nil
    }

    /// Delta-seconds (RFC 9111 §1.2.2): ASCII digits, an optional sign; a value too large for
    /// 64 bits saturates (the expiry is clamped to what Python can hold later).
    static func seconds(_ text: String) -> Int64? {
        let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        guard let value = Int64(digits) else { return text.hasPrefix("-") ? .min : .max }
        return text.hasPrefix("-") ? -value : value
    }
}
