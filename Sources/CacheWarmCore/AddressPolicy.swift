/// Which addresses the worker may fetch from. Jobs come from other systems while the worker
/// holds cloud credentials, so by default only public unicast addresses are allowed: no
/// loopback, no link-local (169.254.0.0/16 holds the instance metadata service; fe80::/10), no
/// private (RFC 1918) or unique-local (fc00::/7) ranges, nothing unspecified or multicast.
public struct AddressPolicy: Sendable, Equatable {
    public var allowLoopback: Bool
    public var allowPrivate: Bool
    public var allowLinkLocal: Bool
    /// Host name globs (`*.internal.example`) allowed whatever they resolve to.
    public var allowedHosts: [String]

    public init(allowLoopback: Bool = false, allowPrivate: Bool = false, allowLinkLocal: Bool = false, allowedHosts: [String] = []) {
        self.allowLoopback = allowLoopback
        self.allowPrivate = allowPrivate
        self.allowLinkLocal = allowLinkLocal
        self.allowedHosts = allowedHosts
    }

    public enum AddressClass: String, Sendable, Equatable {
        case publicUnicast = "public"
        case loopback
        case privateNetwork = "private"
        case linkLocal = "link-local"
        case uniqueLocal = "unique-local"
        case unspecified
        case multicast
        case reserved
    }

    public func isAllowedHost(_ host: String) -> Bool {
        let name = Array(host.lowercased().unicodeScalars)
        return allowedHosts.contains { Glob.matches(name, Array($0.lowercased().unicodeScalars)) }
    }

    /// Nil when allowed, otherwise the class that refused it.
    public func refusal(for address: IPAddress) -> AddressClass? {
        let kind = address.addressClass
        switch kind {
        case .publicUnicast: return nil
        case .loopback: return allowLoopback ? nil : kind
        case .privateNetwork, .uniqueLocal: return allowPrivate ? nil : kind
        case .linkLocal: return allowLinkLocal ? nil : kind
        case .unspecified, .multicast, .reserved: return kind
        }
    }
}

/// An IPv4 or IPv6 address as bytes.
public enum IPAddress: Sendable, Equatable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (brackets allowed).
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        if let v4 = Self.parseV4(text) {
            self = .v4(v4)
        } else if let v6 = Self.parseV6(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    private static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) ? UInt8($0) : nil }
        return bytes.count == 4 ? bytes : nil
    }

    private static func parseV6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        var tail: [UInt8] = []
        var body = text
        // An embedded IPv4 in the last 32 bits (::ffff:1.2.3.4).
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseV4(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            body = text[...lastColon]
            if body.hasSuffix(":") && !body.hasSuffix("::") { body = body.dropLast() }
        }
        let halves = body.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt8]? {
            if s.isEmpty { return [] }
            var out: [UInt8] = []
            for group in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                out += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        let rest = halves.count == 2 ? groups(halves[1]) : []
        guard let rest else { return nil }
        let known = head.count + rest.count + tail.count
        if halves.count == 2 {
            guard known <= 14 else { return nil }
            return head + [UInt8](repeating: 0, count: 16 - known) + rest + tail
        }
        return known == 16 ? head + tail : nil
    }

    public var description: String {
        switch self {
        case .v4(let b): return b.map(String.init).joined(separator: ".")
        case .v6(let b): return stride(from: 0, to: 16, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }.joined(separator: ":")
        }
    }

    /// IANA special-purpose registries (RFC 6890 and successors), coarse-grained.
    public var addressClass: AddressPolicy.AddressClass {
        switch self {
        case .v4(let b):
            switch (b[0], b[1]) {
            case (127, _): return .loopback
            case (10, _), (172, 16...31), (192, 168): return .privateNetwork
            case (100, 64...127): return .privateNetwork  // carrier-grade NAT, RFC 6598
            case (169, 254): return .linkLocal
            case (0, _): return .unspecified
            case (224...239, _): return .multicast
            case (240...255, _), (192, 0) where b[2] == 0, (198, 18...19): return .reserved
            default: return .publicUnicast
            }
        case .v6(let b):
            if b[0..<15].allSatisfy({ $0 == 0 }) { return b[15] == 1 ? .loopback : .unspecified }
            // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96) carry an IPv4 address.
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return IPAddress.v4(Array(b[12...])).addressClass }
            if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B, b[4..<12].allSatisfy({ $0 == 0 }) { return IPAddress.v4(Array(b[12...])).addressClass }
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }
            if b[0] & 0xFE == 0xFC { return .uniqueLocal }
            if b[0] == 0xFF { return .multicast }
            if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .reserved }  // deprecated site-local
            return .publicUnicast
        }
    }
}
