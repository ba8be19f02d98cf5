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

    /// RFC 6761 §6.3: `localhost` and every name under it are loopback, whatever DNS says.
    public static func isLoopbackName(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name == "localhost" || name.hasSuffix(".localhost")
    }

    /// Nil when a host name may be resolved and its addresses checked; the class that refuses
    /// it by name alone otherwise.
    public func refusal(forName host: String) -> AddressClass? {
        Self.isLoopbackName(host) && !allowLoopback ? .loopback : nil
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

    /// Parses a host as the connect path reads it: IPv4 as glibc's `inet_aton` (which
    /// `getaddrinfo` uses) does, so `012.0.0.1` is 10.0.0.1, `0x7f.1` and `2130706433` are
    /// 127.0.0.1; or RFC 4291 IPv6 text (brackets and a zone allowed). Nil for a name.
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

    /// `inet_aton`: one to four parts, each decimal, octal (leading 0) or hex (0x); the last
    /// part fills the bytes the others leave.
    static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count), text.utf8.count <= 64 else { return nil }
        var values: [UInt32] = []
        for part in parts {
            guard let value = inetNumber(part) else { return nil }
            values.append(value)
        }
        let last = values.removeLast()
        guard values.allSatisfy({ $0 <= 0xFF }) else { return nil }
        let lastBits = 32 - 8 * values.count
        guard lastBits == 32 || last < (UInt32(1) << lastBits) else { return nil }
        let address = values.enumerated().reduce(last) { $0 | $1.element << (24 - 8 * $1.offset) }
        return [UInt8(address >> 24), UInt8(address >> 16 & 0xFF), UInt8(address >> 8 & 0xFF), UInt8(address & 0xFF)]
    }

    private static func inetNumber(_ part: Substring) -> UInt32? {
        let lowered = part.lowercased()
        let (digits, radix): (Substring, Int) =
            if lowered.hasPrefix("0x") { (Substring(lowered.dropFirst(2)), 16) } else if lowered.count > 1 && lowered.hasPrefix("0") {
                (Substring(lowered.dropFirst()), 8)
            } else { (Substring(lowered), 10) }
        guard !digits.isEmpty || radix == 8, digits.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        return digits.isEmpty ? 0 : UInt32(digits, radix: radix)
    }

    private static func parseV6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        var tail: [UInt8] = []
        var body = text
        // An embedded IPv4 in the last 32 bits (::ffff:1.2.3.4).
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            // Here only the strict dotted quad of RFC 4291 §2.2, as inet_pton reads it.
            let quad = text[text.index(after: lastColon)...]
            guard quad.split(separator: ".").allSatisfy({ $0.count <= 3 && ($0.count == 1 || !$0.hasPrefix("0")) && $0.allSatisfy(\.isASCIIDigit) }),
                quad.split(separator: ".", omittingEmptySubsequences: false).count == 4, let v4 = parseV4(quad)
            else { return nil }
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

    /// Network byte order: 4 bytes or 16.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let b), .v6(let b): b
        }
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
            switch (b[0], b[1], b[2]) {
            case (127, _, _): return .loopback
            case (10, _, _), (172, 16...31, _), (192, 168, _): return .privateNetwork
            case (100, 64...127, _): return .privateNetwork  // carrier-grade NAT, RFC 6598
            case (169, 254, _): return .linkLocal
            case (0, _, _): return .unspecified
            case (224...239, _, _): return .multicast
            // Future use and broadcast, IETF assignments, benchmarking, documentation (RFC 5737).
            case (240...255, _, _), (192, 0, 0), (192, 0, 2), (198, 18...19, _), (198, 51, 100), (203, 0, 113): return .reserved
            default: return .publicUnicast
            }
        case .v6(let b):
            if b[0..<15].allSatisfy({ $0 == 0 }) { return b[15] == 1 ? .loopback : .unspecified }
            // Forms that carry an IPv4 address are judged by it: IPv4-compatible (::a.b.c.d),
            // IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96, local-use 64:ff9b:1::/48), 6to4 (2002::/16).
            if b[0..<12].allSatisfy({ $0 == 0 }) { return IPAddress.v4(Array(b[12...])).addressClass }
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return IPAddress.v4(Array(b[12...])).addressClass }
            if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B, b[4..<12].allSatisfy({ $0 == 0 }) || (b[4] == 0 && b[5] == 1) {
                return IPAddress.v4(Array(b[12...])).addressClass
            }
            if b[0] == 0x20, b[1] == 0x02 { return IPAddress.v4(Array(b[2..<6])).addressClass }
            // Teredo (2001::/32) hides its client address: refused. Documentation 2001:db8::/32, discard 100::/64.
            if b[0] == 0x20, b[1] == 0x01, (b[2] == 0 && b[3] == 0) || (b[2] == 0x0D && b[3] == 0xB8) { return .reserved }
            if b[0] == 0x01, b[1..<8].allSatisfy({ $0 == 0 }) { return .reserved }
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }
            // AWS's IPv6 instance metadata range (fd00:ec2::/32) is link-local in spirit, not private.
            if b[0] == 0xFD, b[1] == 0x00, b[2] == 0x0E, b[3] == 0xC2 { return .linkLocal }
            if b[0] & 0xFE == 0xFC { return .uniqueLocal }
            if b[0] == 0xFF { return .multicast }
            if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .reserved }  // deprecated site-local
            return .publicUnicast
        }
    }
}
