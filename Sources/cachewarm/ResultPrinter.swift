import CacheWarmEngine
import Foundation
import Synchronization

/// One line per finished URL, with a running count (the progress of a run), and the tally.
final class ResultPrinter: Sendable {
    let toStandardError: Bool
    let total: Int?
    let done = Mutex(0)
    let tally = Mutex(WarmReport())

    var report: WarmReport { tally.withLock { $0 } }

    init(toStandardError: Bool, total: Int?) {
        self.toStandardError = toStandardError
        self.total = total
    }

    func print(_ result: WarmResult) {
        tally.withLock { $0.add(result) }
        let count = done.withLock { value in
            value += 1
            return value
        }
        let status = result.status.map(String.init) ?? "-"
        let line = "[\(count)\(total.map { "/\($0)" } ?? "")] \(result.outcome.category.rawValue) \(status) \(result.url) \(result.outcome.detail)\n"
        (toStandardError ? FileHandle.standardError : FileHandle.standardOutput).write(Data(line.utf8))
    }
}
