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

    public static let uniqueViolation = "23505"
}
