import Foundation

/// An instant as integer microseconds since the Unix epoch, UTC.
///
/// `Date` is a Double and Foundation's formatters lose microseconds (PLATFORM.md), while
/// requests-cache stores Python `datetime.isoformat()` text: so instants stay integers here.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public init(secondsSinceEpoch: Int64) {
        microsecondsSinceEpoch = secondsSinceEpoch * 1_000_000
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + seconds * 1_000_000)
    }

    public func adding(microseconds: Int64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + microseconds)
    }

    /// `round(dt.timestamp())`: Python rounds half to even (compat spec §4.2).
    public var roundedEpochSeconds: Int64 {
        let (seconds, micros) = microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000)
        let (whole, fraction) = micros < 0 ? (seconds - 1, micros + 1_000_000) : (seconds, micros)
        if fraction > 500_000 || (fraction == 500_000 && whole % 2 != 0) { return whole + 1 }
        return whole
    }

    /// Python's `datetime.isoformat()` of an aware UTC datetime: `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`.
    public var isoformat: String {
        let (seconds, micros) = floorDivide(microsecondsSinceEpoch, 1_000_000)
        let c = CivilTime(epochSeconds: seconds)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(c.year, 4); out.append(UInt8(ascii: "-")); digits(c.month, 2); out.append(UInt8(ascii: "-")); digits(c.day, 2)
        out.append(UInt8(ascii: "T")); digits(c.hour, 2); out.append(UInt8(ascii: ":")); digits(c.minute, 2)
        out.append(UInt8(ascii: ":")); digits(c.second, 2)
        if micros != 0 { out.append(UInt8(ascii: ".")); digits(Int(micros), 6) }
        out += Array("+00:00".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { isoformat }

    /// Parses Python `isoformat()` output and the variants requests-cache accepts
    /// (`Z`, `+HH:MM`, no offset, 0–6 fraction digits).
    public init?(isoformat text: String) {
        let pattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/
        guard let m = text.wholeMatch(of: pattern) else { return nil }
        let civil = CivilTime(year: Int(m.1)!, month: Int(m.2)!, day: Int(m.3)!, hour: Int(m.4)!, minute: Int(m.5)!, second: Int(m.6)!)
        var micros = Int64(0)
        if let fraction = m.7 { micros = Int64(fraction.padding(toLength: 6, withPad: "0", startingAt: 0))! }
        var offset = Int64(0)
        if let zone = m.8, zone != "Z" {
            let sign: Int64 = zone.hasPrefix("-") ? -1 : 1
            offset = sign * (Int64(zone.dropFirst().prefix(2))! * 3600 + Int64(zone.suffix(2))! * 60)
        }
        microsecondsSinceEpoch = (civil.epochSeconds - offset) * 1_000_000 + micros
    }

    /// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate, obsolete RFC 850 and asctime forms.
    public init?(httpDate text: String) {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let imf = /^\s*(?:[A-Za-z]+,\s*)?(\d{1,2})[ -]([A-Za-z]{3})[ -](\d{2,4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*(?:GMT|UTC|UT|Z|\+0000|-0000)?\s*$/
        let asctime = /^\s*[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})\s*$/
        var parts: (day: Int, month: Substring, year: Int, hour: Int, minute: Int, second: Int)
        if let m = text.wholeMatch(of: imf) {
            var year = Int(m.3)!
            if m.3.count == 2 { year += year < 70 ? 2000 : 1900 }
            parts = (Int(m.1)!, m.2, year, Int(m.4)!, Int(m.5)!, Int(m.6)!)
        } else if let m = text.wholeMatch(of: asctime) {
            parts = (Int(m.2)!, m.1, Int(m.6)!, Int(m.3)!, Int(m.4)!, Int(m.5)!)
        } else {
            return nil
        }
        guard let monthIndex = months.firstIndex(of: parts.month.lowercased()),
            (1...31).contains(parts.day), parts.hour < 24, parts.minute < 60, parts.second < 61
        else { return nil }
        let civil = CivilTime(year: parts.year, month: monthIndex + 1, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second)
        microsecondsSinceEpoch = civil.epochSeconds * 1_000_000
    }

    /// An IMF-fixdate, as in `If-Modified-Since` or `Date`.
    public var httpDate: String {
        let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let seconds = floorDivide(microsecondsSinceEpoch, 1_000_000).0
        let c = CivilTime(epochSeconds: seconds)
        let weekday = days[Int(floorDivide(floorDivide(seconds, 86_400).0, 7).1)]
        return "\(weekday), " + String(format: "%02d ", c.day) + months[c.month - 1]
            + String(format: " %04d %02d:%02d:%02d GMT", c.year, c.hour, c.minute, c.second)
    }
}

private func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    let (q, r) = a.quotientAndRemainder(dividingBy: b)
    return r < 0 ? (q - 1, r + b) : (q, r)
}

/// Proleptic Gregorian calendar arithmetic (H. Hinnant's days-from-civil algorithms).
private struct CivilTime {
    var year, month, day, hour, minute, second: Int

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    init(epochSeconds: Int64) {
        let (days, secondOfDay) = floorDivide(epochSeconds, 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(
            year: Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), month: Int(m), day: Int(d),
            hour: Int(secondOfDay / 3600), minute: Int(secondOfDay % 3600 / 60), second: Int(secondOfDay % 60))
    }

    var epochSeconds: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }
}
