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
        microsecondsSinceEpoch = Self.saturating(secondsSinceEpoch, times: 1_000_000)
    }

    /// Instants and offsets come from headers, settings and jobs: arithmetic on them saturates
    /// at the ends of the range instead of trapping.
    static func saturating(_ a: Int64, times b: Int64) -> Int64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard overflow else { return product }
        return (a < 0) == (b < 0) ? .max : .min
    }

    static func saturating(_ a: Int64, plus b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b < 0 ? .min : .max
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    public func adding(seconds: Int64) -> Timestamp {
        adding(microseconds: Self.saturating(seconds, times: 1_000_000))
    }

    public func adding(microseconds: Int64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Self.saturating(microsecondsSinceEpoch, plus: microseconds))
    }

    /// Microseconds from `self` to `later`, saturating.
    public func microseconds(until later: Timestamp) -> Int64 {
        let (difference, overflow) = later.microsecondsSinceEpoch.subtractingReportingOverflow(microsecondsSinceEpoch)
        return overflow ? (later > self ? .max : .min) : difference
    }

    /// The latest instant Python's `datetime` can hold (9999-12-31T23:59:59.999999): expiries
    /// beyond it are written as it, so that every reader can parse them.
    public static let pythonMax = Timestamp(microsecondsSinceEpoch: 253_402_300_799_999_999)
    /// The earliest (0001-01-01T00:00:00).
    public static let pythonMin = Timestamp(microsecondsSinceEpoch: -62_135_596_800_000_000)

    /// This instant within what Python's `datetime` can hold.
    public var clampedToPython: Timestamp { min(max(self, .pythonMin), .pythonMax) }

    /// `round(dt.timestamp())`: Python rounds half to even (compat spec §4.2).
    public var roundedEpochSeconds: Int64 {
        let (seconds, micros) = microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000)
        let (whole, fraction) = micros < 0 ? (seconds - 1, micros + 1_000_000) : (seconds, micros)
        if fraction > 500_000 || (fraction == 500_000 && whole % 2 != 0) { return whole + 1 }
        return whole
    }

    /// Python's `datetime.isoformat()` of an aware UTC datetime: `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`.
    public var isoformat: String {
        let (seconds, micros) = floorDivide(clampedToPython.microsecondsSinceEpoch, 1_000_000)
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
    /// (`Z`, `+HH:MM`, no offset, 0–6 fraction digits). ASCII digits only.
    public init?(isoformat text: String) {
        let pattern = /^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?(Z|[+-][0-9]{2}:[0-9]{2})?$/
        guard let m = text.wholeMatch(of: pattern),
            let year = Int(m.1), let month = Int(m.2), let day = Int(m.3), let hour = Int(m.4), let minute = Int(m.5), let second = Int(m.6),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var micros = Int64(0)
        if let fraction = m.7 {
            guard let value = Int64(fraction.padding(toLength: 6, withPad: "0", startingAt: 0)) else { return nil }
            micros = value
        }
        var offset = Int64(0)
        if let zone = m.8, zone != "Z" {
            guard let hours = Int64(zone.dropFirst().prefix(2)), let minutes = Int64(zone.suffix(2)) else { return nil }
            offset = (zone.hasPrefix("-") ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        let civil = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        microsecondsSinceEpoch = (civil.epochSeconds - offset) * 1_000_000 + micros
    }

    /// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate, obsolete RFC 850 and asctime forms. ASCII
    /// digits only: a header is outside input.
    public init?(httpDate text: String) {
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let imf = /^\s*(?:[A-Za-z]+,\s*)?([0-9]{1,2})[ -]([A-Za-z]{3})[ -]([0-9]{2,4})\s+([0-9]{1,2}):([0-9]{2}):([0-9]{2})\s*(?:GMT|UTC|UT|Z|\+0000|-0000)?\s*$/
        let asctime = /^\s*[A-Za-z]{3}\s+([A-Za-z]{3})\s+([0-9]{1,2})\s+([0-9]{1,2}):([0-9]{2}):([0-9]{2})\s+([0-9]{4})\s*$/
        guard text.utf8.count <= 128 else { return nil }
        var fields: (day: Substring, month: Substring, year: Substring, hour: Substring, minute: Substring, second: Substring)
        if let m = text.wholeMatch(of: imf) {
            fields = (m.1, m.2, m.3, m.4, m.5, m.6)
        } else if let m = text.wholeMatch(of: asctime) {
            fields = (m.2, m.1, m.6, m.3, m.4, m.5)
        } else {
            return nil
        }
        guard let day = Int(fields.day), var year = Int(fields.year), let hour = Int(fields.hour), let minute = Int(fields.minute),
            let second = Int(fields.second), let monthIndex = months.firstIndex(of: fields.month.lowercased()),
            (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        if fields.year.count == 2 { year += year < 70 ? 2000 : 1900 }
        let civil = CivilTime(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
        microsecondsSinceEpoch = civil.epochSeconds * 1_000_000
    }

    /// An IMF-fixdate, as in `If-Modified-Since` or `Date`.
    public var httpDate: String {
        let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let seconds = floorDivide(clampedToPython.microsecondsSinceEpoch, 1_000_000).0
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
