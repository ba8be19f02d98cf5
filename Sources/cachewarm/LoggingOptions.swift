import ArgumentParser
import Foundation
import Logging

struct LoggingOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning (default), error.")
    var logLevel: Logger.Level = .warning

    /// Only the executable bootstraps logging: to standard error, never to the report stream.
    func bootstrap() -> Logger {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "cachewarm")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
