/// Every PostgreSQL failure: the SQLSTATE and the server's primary message, or why the
/// connection failed. Never the query's parameters, never a password.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No usable connection (refused, lost, authentication).
        case connection
        /// The server rejected a statement.
        case query
    }

    public var kind: Kind
    public var sqlState: String?
    public var message: String

    public init(kind: Kind, sqlState: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        let state = sqlState.map { " (SQLSTATE \($0))" } ?? ""
        return "\(message)\(state)"
    }

    /// Class 08 (connection exception), 57P01-03 (shutdown), 40001/40P01 (serialization,
    /// deadlock) are worth another try on a fresh connection or transaction.
    public var isTransient: Bool {
        if kind == .connection { return true }
        guard let state = sqlState else { return false }
        return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "40001", "40P01"].contains(state)
    }

    public static let uniqueViolation = "23505"
}
