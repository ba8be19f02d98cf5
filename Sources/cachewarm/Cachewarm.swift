import ArgumentParser
import Foundation

@main
struct Cachewarm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cachewarm",
        abstract: "Keeps requests-cache's DynamoDB cache warm.",
        subcommands: [KeyCommand.self, TableCommand.self, WarmCommand.self, MigrateCommand.self, EnqueueCommand.self, WorkCommand.self, StatsCommand.self])

    /// Parses and runs a command; every error ends with a message and one of `ExitStatus`.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("cachewarm: \(error.description)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            // Usage errors are "bad arguments": exit 2, like every other bad input.
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.badInput)
            }
            exit(withError: error)
        }
    }
}
