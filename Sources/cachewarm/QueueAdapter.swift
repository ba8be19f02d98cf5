import CacheWarmCore
import CacheWarmEngine
import CacheWarmPostgres

/// The engine's queue port, implemented by the PostgreSQL adapter.
extension JobQueue: RefreshQueue {
    public func hasUnfinishedWork(queue: String) async throws -> Bool {
        let counts = try await counts(queue: queue)
        return counts.pending + counts.running + counts.unkeyed > 0
    }
}
