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
            case "max-age": maxAge = value.flatMap { Int64($0.trimmingPythonWhitespace()) }
            case "no-store": noStore = true
            case "immutable": immutable = true
            default: break
            }
        }
        expires = headers.first(named: "Expires")
        hasValidator = headers.first(named: "ETag") != nil || headers.first(named: "Last-Modified") != nil
    }
}
