import CacheWarmEngine
import Foundation
import Synchronization

/// One line per finished URL, with a running count: the progress of a run.
final class ResultPrinter: Sendable {
    let toStandardError: Bool
    let total: Int
    let done = Mutex(0)

    init(toStandardError: Bool, total: Int) {
        self.toStandardError = toStandardError
        self.total = total
    }

    func print(_ result: WarmResult) {
        let count = done.withLock { value in
            value += 1
            return value
        }
        let status = result.status.map(String.init) ?? "-"
        let line = "[\(count)/\(total)] \(result.outcome.category.rawValue) \(status) \(result.url) \(result.outcome.detail)\n"
        (toStandardError ? FileHandle.standardError : FileHandle.standardOutput).write(Data(line.utf8))
    }
}
