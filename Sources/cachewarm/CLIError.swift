import ArgumentParser

/// Errors that end a command with a message and a documented exit code.
enum CLIError: Error, CustomStringConvertible {
    /// Bad arguments or input (a malformed URL, an unknown job field): exit 2, nothing written.
    case badInput(String)
    /// DynamoDB cannot be reached or refuses the table: exit 3.
    case dynamoDBUnavailable(String)
    /// PostgreSQL cannot be reached, or the schema is not migrated: exit 4.
    case databaseUnavailable(String)

    var description: String {
        switch self {
        case .badInput(let message): message
        case .dynamoDBUnavailable(let message): "DynamoDB: \(message)"
        case .databaseUnavailable(let message): "PostgreSQL: \(message)"
        }
    }

    var exitCode: Int32 {
        switch self {
        case .badInput: ExitStatus.badInput
        case .dynamoDBUnavailable: ExitStatus.dynamoDBUnavailable
        case .databaseUnavailable: ExitStatus.databaseUnavailable
        }
    }
}

/// The exit codes every command shares.
enum ExitStatus {
    static let success: Int32 = 0
    static let someFailed: Int32 = 1
    static let badInput: Int32 = 2
    static let dynamoDBUnavailable: Int32 = 3
    static let databaseUnavailable: Int32 = 4
}
