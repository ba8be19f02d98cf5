import ArgumentParser

/// Errors that end a command with a message and a documented exit code.
enum CLIError: Error, CustomStringConvertible {
    /// Bad arguments or input (a malformed URL, an unknown job field): exit 2, nothing written.
    case badInput(String)
    /// DynamoDB cannot be reached or refuses the table: exit 3.
    case dynamoDBUnavailable(String)

    var description: String {
        switch self {
        case .badInput(let message): message
        case .dynamoDBUnavailable(let message): "DynamoDB: \(message)"
        }
    }

    var exitCode: Int32 {
        switch self {
        case .badInput: ExitStatus.badInput
        case .dynamoDBUnavailable: ExitStatus.dynamoDBUnavailable
        }
    }
}

/// The exit codes every command shares.
enum ExitStatus {
    static let success: Int32 = 0
    static let someFailed: Int32 = 1
    static let badInput: Int32 = 2
    static let dynamoDBUnavailable: Int32 = 3
}
