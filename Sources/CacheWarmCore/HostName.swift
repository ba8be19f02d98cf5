import Foundation

/// Host name normalization: lower-casing and IDNA (Punycode, RFC 3492) for non-ASCII labels.
///
/// requests and url-normalize use the `idna` package (IDNA 2008 with UTS #46 mapping). We map a
/// non-ASCII label with NFKC and lower-casing (the bulk of UTS #46 for real host names) and then
/// Punycode it; ASCII labels are only lower-cased, as both Python libraries leave them.
enum HostName {
    /// nil when a label cannot be encoded (idna raises, and so does requests).
    static func normalize(_ host: String) -> String? {
        var labels: [String] = []
        for part in host.split(separator: ".", omittingEmptySubsequences: false) {
            guard let encoded = label(String(part)) else { return nil }
            labels.append(encoded)
        }
        return labels.joined(separator: ".")
    }

    /// A DNS label is at most 63 bytes (RFC 1035 §2.3.4), so idna refuses longer ones; refusing
    /// them before Punycode also keeps its quadratic loop small.
    static let maxLabelBytes = 63

    static func label(_ label: String) -> String? {
        if label.utf8.allSatisfy({ $0 < 0x80 }) { return label.lowercased() }
        let mapped = label.precomposedStringWithCompatibilityMapping.lowercased()
            .precomposedStringWithCanonicalMapping
        if mapped.utf8.allSatisfy({ $0 < 0x80 }) { return mapped }
        guard mapped.unicodeScalars.count <= maxLabelBytes else { return nil }
        let encoded = "xn--" + punycode(mapped)
        return encoded.utf8.count <= maxLabelBytes ? encoded : nil
    }

    // RFC 3492 §5 parameters.
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 128

    /// RFC 3492 §6.3 encoding procedure.
    static func punycode(_ input: String) -> String {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = scalars.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { break }
            delta += (m - n) * (handled + 1)
            n = m
            for c in scalars {
                if c < n { delta += 1 }
                guard c == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta: delta, count: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(output)
    }

    private static func digit(_ d: Int) -> Character {
        Character(Unicode.Scalar(UInt8(d < 26 ? d + 97 : d + 22)))
    }

    // RFC 3492 §6.1 bias adaptation.
    private static func adapt(delta: Int, count: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
