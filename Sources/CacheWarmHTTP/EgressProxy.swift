import CacheWarmCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An in-process CONNECT proxy on loopback through which every origin connection goes (the
/// model is Stripe's Smokescreen): it resolves the target, checks every address against the
/// policy, and dials the address it checked. So the address checked is the address connected
/// to, for every redirect hop and every new connection, and a DNS answer that changes between
/// two lookups (rebinding) cannot steer a fetch. async-http-client opens a CONNECT tunnel for
/// http and https targets alike.
public final class EgressProxy: Sendable {
    public let port: Int
    let channel: any Channel
    let failures: FailureLog

    /// Starts listening on 127.0.0.1 (an ephemeral port).
    public static func start(policy: AddressPolicy, connectTimeout: Duration, resolver: HostResolver) async throws -> EgressProxy {
        let failures = FailureLog()
        let context = ConnectContext(policy: policy, connectTimeout: connectTimeout, resolver: resolver, failures: failures)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.recvAllocator, value: Self.readBuffers)
            .childChannelOption(.writeBufferWaterMark, value: Self.writeBuffers)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
                    try channel.pipeline.syncOperations.addHandler(decoder, name: ConnectHandler.decoderName)
                    try channel.pipeline.syncOperations.addHandler(HTTPResponseEncoder(), name: ConnectHandler.encoderName)
                    try channel.pipeline.syncOperations.addHandler(ConnectHandler(context), name: ConnectHandler.name)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return EgressProxy(port: channel.localAddress?.port ?? 0, channel: channel, failures: failures)
    }

    /// A tunnel holds at most a small read buffer and a small write backlog per side: with 64
    /// bodies of 300 KB in flight, NIO's defaults (reads up to 64 KB, 64 KB before back-pressure)
    /// cost about 10 MB more for no speed.
    static let readBuffers = AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 8192, maximum: 16384)
    static let writeBuffers = ChannelOptions.Types.WriteBufferWaterMark(low: 8192, high: 32768)

    init(port: Int, channel: any Channel, failures: FailureLog) {
        self.port = port
        self.channel = channel
        self.failures = failures
    }

    /// Why the proxy last refused or failed a tunnel to `host` (brackets and port left out).
    public func failure(forHost host: String) -> FetchError? {
        failures.last(forHost: host)
    }

    public func shutdown() async {
        try? await channel.close()
    }
}

/// The last failure per target host, bounded: the fetcher reads it to say why a tunnel was not
/// opened (async-http-client reports only "invalid proxy response").
final class FailureLog: Sendable {
    static let capacity = 1024
    private let entries = Mutex<[String: FetchError]>([:])

    func record(_ failure: FetchError, host: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[host.lowercased()] = failure
        }
    }

    func last(forHost host: String) -> FetchError? {
        entries.withLock { $0[host.lowercased()] }
    }
}

struct ConnectContext: Sendable {
    let policy: AddressPolicy
    let connectTimeout: Duration
    let resolver: HostResolver
    let failures: FailureLog

    /// Resolves and checks the target; the addresses that may be dialled, in order.
    func allowedAddresses(host: String) async throws(FetchError) -> [IPAddress] {
        if policy.isAllowedHost(host) { return try await resolver.addresses(of: host) }
        if let refused = policy.refusal(forName: host) {
            throw FetchError(.refused, "\(host) is \(refused.rawValue) by name; allow it explicitly to fetch it")
        }
        let addresses = try await resolver.addresses(of: host)
        for address in addresses {
            if let refused = policy.refusal(for: address) {
                throw FetchError(.refused, "\(host) resolves to \(refused.rawValue) address \(address); allow it explicitly to fetch it")
            }
        }
        return addresses
    }
}

/// One client connection: reads `CONNECT host:port`, answers 200 and splices the two sockets,
/// or answers with an error status and closes.
final class ConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let name = "cachewarm.connect"
    static let decoderName = "cachewarm.decoder"
    static let encoderName = "cachewarm.encoder"

    let context: ConnectContext
    private var target: (host: String, port: Int)?
    private var started = false

    init(_ context: ConnectContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard head.method == .CONNECT, let target = Self.parseTarget(head.uri) else {
                return respond(.methodNotAllowed, context: context)
            }
            self.target = target
        case .body:
            break
        case .end:
            guard !started, let target else { return }
            started = true
            open(target, context: context)
        }
    }

    /// `host:port`, `[v6]:port`, or (as async-http-client writes an IPv6 target) `v6:port`.
    static func parseTarget(_ uri: String) -> (host: String, port: Int)? {
        guard let colon = uri.lastIndex(of: ":"), let port = Int(uri[uri.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = Substring(uri[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, host.utf8.count <= 1024 else { return nil }
        return (String(host), port)
    }

    private func open(_ target: (host: String, port: Int), context: ChannelHandlerContext) {
        let connect = self.context
        let promise = context.eventLoop.makePromise(of: (any Channel).self)
        let loop = context.eventLoop
        promise.completeWithTask {
            let addresses: [IPAddress]
            do { addresses = try await connect.allowedAddresses(host: target.host) } catch { throw error }
            return try await Self.dial(addresses, port: target.port, timeout: connect.connectTimeout, on: loop)
        }
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        promise.futureResult.whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success(let upstream): handler.splice(context: context, upstream: upstream)
            case .failure(let error):
                let failure = error as? FetchError ?? FetchError(.connection, "\(error)")
                connect.failures.record(failure, host: target.host)
                handler.respond(failure.kind == .refused ? .forbidden : .badGateway, context: context)
            }
        }
    }

    /// The first address that answers within the connect timeout.
    private static func dial(_ addresses: [IPAddress], port: Int, timeout: Duration, on loop: any EventLoop) async throws -> any Channel {
        var last: any Error = FetchError(.dnsFailure, "no address")
        for address in addresses {
            do {
                let socketAddress = try SocketAddress(packedIPAddress: ByteBuffer(bytes: address.bytes), port: port)
                return try await ClientBootstrap(group: loop)
                    .connectTimeout(.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelOption(.recvAllocator, value: EgressProxy.readBuffers)
                    .channelOption(.writeBufferWaterMark, value: EgressProxy.writeBuffers)
                    .connect(to: socketAddress).get()
            } catch {
                last = FetchError(.connection, "could not connect to \(address) port \(port)")
            }
        }
        throw last
    }

    private func splice(context: ChannelHandlerContext, upstream: any Channel) {
        // The client may have given up while we resolved and dialled.
        guard context.channel.isActive else {
            upstream.close(promise: nil)
            return
        }
        let head = HTTPResponseHead(version: .http1_1, status: .ok)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        let pipeline = context.pipeline
        let (local, remote) = GlueHandler.pair()
        do {
            try pipeline.syncOperations.addHandler(local)
            try upstream.pipeline.syncOperations.addHandler(remote)
        } catch {
            upstream.close(promise: nil)
            context.close(promise: nil)
            return
        }
        // This handler first: bytes the decoder still holds are forwarded to the glue, not here.
        pipeline.syncOperations.removeHandler(self, promise: nil)
        _ = pipeline.syncOperations.removeHandler(name: Self.encoderName)
        _ = pipeline.syncOperations.removeHandler(name: Self.decoderName)
    }

    /// Garbage instead of a CONNECT request: the connection is closed.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(_ status: HTTPResponseStatus, context: ChannelHandlerContext) {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        head.headers.add(name: "Content-Length", value: "0")
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
