import CLibPQ
import Glibc

/// Synchronous access to one libpq connection. Only ever used on its connection's own thread
/// (see `PostgresConnection.run`), so a whole transaction runs without interleaving.
public final class PostgresSession {
    /// The C handle stays inside this adapter.
    private var handle: OpaquePointer?
    private let conninfo: String

    init(conninfo: String) {
        self.conninfo = conninfo
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Connects (or reconnects after a loss); one place turns libpq's failure into an error.
    func ensureConnected() throws(PostgresError) {
        if let handle, PQstatus(handle) == CONNECTION_OK { return }
        if let handle { PQfinish(handle) }
        handle = PQconnectdb(conninfo)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Self.firstLine(String(cString: PQerrorMessage($0))) } ?? "out of memory"
            throw PostgresError(kind: .connection, message: "cannot connect to PostgreSQL: \(message)")
        }
        PQsetNoticeProcessor(handle, cachewarm_ignore_notice, nil)
    }

    /// A parameterised statement; parameters go as text (nil is NULL), results come as text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        try ensureConnected()
        let cStrings = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        let result: OpaquePointer? = cStrings.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                PQexecParams(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        guard let result else { throw connectionLost() }
        try check(result, parameters: parameters)
        return PostgresRows(result)
    }

    /// The one place a libpq result becomes an error: SQLSTATE and the primary message only,
    /// with any parameter the server quotes back (`invalid input syntax ... "value"`) left out.
    private func check(_ result: OpaquePointer, parameters: [String?] = []) throws(PostgresError) {
        let status = PQresultStatus(result)
        guard status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK else { return }
        if PQstatus(handle) != CONNECTION_OK { throw connectionLost() }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        var message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? "statement failed"
        for case let value? in parameters where !value.isEmpty {
            message = message.replacingOccurrences(of: "\"\(value)\"", with: "\"…\"")
        }
        throw PostgresError(kind: .query, sqlState: state, message: message)
    }

    /// A script of several statements without parameters: only for SQL written in this code
    /// (migrations), never for input.
    public func execute(script sql: String) throws(PostgresError) {
        try ensureConnected()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        guard let result else { throw connectionLost() }
        try check(result)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body(self)
            try query("COMMIT")
            return value
        } catch {
            _ = try? query("ROLLBACK")
            throw error
        }
    }

    /// Waits up to `timeoutMilliseconds` for NOTIFY messages on channels this session LISTENs to.
    public func waitForNotifications(timeoutMilliseconds: Int32) throws(PostgresError) -> [String] {
        try ensureConnected()
        var received = drainNotifications()
        if !received.isEmpty { return received }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, timeoutMilliseconds) > 0 {
            guard PQconsumeInput(handle) == 1 else { throw connectionLost() }
            received = drainNotifications()
        }
        return received
    }

    private func drainNotifications() -> [String] {
        var channels: [String] = []
        PQconsumeInput(handle)
        while let notification = PQnotifies(handle) {
            channels.append(String(cString: notification.pointee.relname))
            PQfreemem(notification)
        }
        return channels
    }

    private func connectionLost() -> PostgresError {
        let message = handle.map { Self.firstLine(String(cString: PQerrorMessage($0))) } ?? ""
        return PostgresError(kind: .connection, message: "connection to PostgreSQL lost: \(message)")
    }

    private static func firstLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
    }
}

/// A query result as text, by row and column name.
public struct PostgresRows: Sendable {
    public let columns: [String]
    public let rows: [[String?]]
    public let affected: Int

    init(_ result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        rows = (0..<Int(PQntuples(result))).map { row in
            (0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1 ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
        }
        affected = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    public var count: Int { rows.count }

    public func value(_ row: Int, _ column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        return rows[row][index]
    }
}
