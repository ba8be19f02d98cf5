/// When a keep-warm job runs again: before its item expires, by the refresh lead, spread by
/// random jitter so that URLs warmed together do not all come due together.
public enum KeepWarm {
    /// - Parameters:
    ///   - expires: the item's expiry after this run; nil (fresh forever, or nothing written)
    ///     means "again after `maxIntervalSeconds`".
    ///   - random: a draw in [0, 1); up to half the refresh lead earlier.
    public static func nextRun(expires: Timestamp?, now: Timestamp, refreshLeadSeconds: Int64, maxIntervalSeconds: Int64, random: Double) -> Double {
        let jitter = Double(refreshLeadSeconds) / 2 * random
        guard let expires else { return Double(maxIntervalSeconds) - jitter }
        let due = Double(now.microseconds(until: expires)) / 1_000_000 - Double(refreshLeadSeconds) - jitter
        return min(max(due, 1), Double(maxIntervalSeconds))
    }
}
