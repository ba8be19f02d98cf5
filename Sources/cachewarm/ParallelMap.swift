/// Maps a long list on all cores in chunks (keying 100,000 URLs is CPU work), in order. The
/// first error, by position, is thrown.
func parallelMap<T: Sendable>(_ items: [String], chunkSize: Int = 2000, _ transform: @escaping @Sendable (Int, String) throws -> T) async throws -> [T] {
    let chunks = stride(from: 0, to: items.count, by: chunkSize).map { $0..<min($0 + chunkSize, items.count) }
    let results = await withTaskGroup(of: (Int, Result<[T], any Error>).self) { group in
        for (index, range) in chunks.enumerated() {
            let slice = Array(items[range])
            group.addTask {
                do {
                    return (index, .success(try slice.enumerated().map { try transform(range.lowerBound + $0.offset, $0.element) }))
                } catch {
                    return (index, .failure(error))
                }
            }
        }
        var collected = [Result<[T], any Error>?](repeating: nil, count: chunks.count)
        for await (index, result) in group { collected[index] = result }
        return collected
    }
    return try results.flatMap { try $0!.get() }
}
