import CacheWarmCore
import Foundation

extension Timestamp {
    /// The wall clock, to the microsecond. The core never reads it: time is passed in.
    public static var now: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }
}
