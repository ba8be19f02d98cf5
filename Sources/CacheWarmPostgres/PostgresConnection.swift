import NIOPosix

/// One PostgreSQL connection on its own thread: libpq blocks, so its calls never run on the
/// cooperative pool, and one thread means one caller at a time.
public final class PostgresConnection: Sendable {
    private let thread: NIOThreadPool
    private let box: SessionBox

    /// The session is touched only on `thread`, which is what makes handing it over safe.
    private final class SessionBox: @unchecked Sendable {
        let session: PostgresSession
        init(_ session: PostgresSession) { self.session = session }
    }

    /// `conninfo` is anything libpq takes: `host=… dbname=…`, a `postgresql://` URI, or "" to
    /// use only the `PG*` environment variables and `.pgpass`.
    public init(conninfo: String) {
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        box = SessionBox(PostgresSession(conninfo: conninfo))
    }

    /// Runs `body` on the connection's thread, reconnecting first when the connection was lost.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        let box = self.box
        return try await thread.runIfActive {
            try box.session.ensureConnected()
            return try body(box.session)
        }
    }

    public func close() async {
        try? await thread.shutdownGracefully()
    }
}
