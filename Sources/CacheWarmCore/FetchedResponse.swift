/// An origin's final response, as requests hands it to requests-cache.
public struct FetchedResponse: Sendable, Equatable {
    /// The final URL, after redirects, in requests' prepared form.
    public var url: String
    public var status: Int
    public var reason: String
    /// Headers in wire order, repeats kept.
    public var headers: [HTTPHeader]
    /// The body after any Content-Encoding was removed.
    public var body: [UInt8]
    public var elapsedMicroseconds: Int64
    /// The URLs that redirected here, the requested one first.
    public var redirectedFrom: [String]

    public init(
        url: String, status: Int, reason: String, headers: [HTTPHeader], body: [UInt8],
        elapsedMicroseconds: Int64 = 0, redirectedFrom: [String] = []
    ) {
        self.url = url
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.elapsedMicroseconds = elapsedMicroseconds
        self.redirectedFrom = redirectedFrom
    }
}
