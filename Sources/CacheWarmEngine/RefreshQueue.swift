import CacheWarmCore

/// What the worker needs from the PostgreSQL queue adapter. Each value holds one connection:
/// the worker uses one for claims and results, one for LISTEN, one for lease upkeep.
public protocol RefreshQueue: Sendable {
    func keyUnkeyedJobs(limit: Int, owner: String, leaseSeconds: Double) async throws -> Int
    /// Ready jobs leased to `owner`, and failed completions for rows that are no valid request.
    func claim(queue: String, max: Int, owner: String, leaseSeconds: Double) async throws -> (jobs: [QueuedJob], invalid: [JobCompletion])
    func complete(_ completions: [JobCompletion], owner: String) async throws
    /// Extends the leases of the jobs with these ids that `owner` still holds.
    @discardableResult func renewLeases(owner: String, ids: [Int64], leaseSeconds: Double) async throws -> Int
    @discardableResult func rescueExpiredLeases() async throws -> Int
    @discardableResult func prune(olderThanSeconds: Double) async throws -> Int
    /// Jobs of `queue` that keep a drain going: ready, retryable, running or waiting for a key.
    func hasUnfinishedWork(queue: String) async throws -> Bool
    /// Waits for a NOTIFY of new jobs; true when one came before the timeout.
    func waitForWork(timeoutMilliseconds: Int32) async throws -> Bool
}
