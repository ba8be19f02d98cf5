import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 origin on 127.0.0.1 for fetcher tests: a fixed response per path.
final class TestOrigin: Sendable {
    struct Response: Sendable {
        var status: HTTPResponseStatus = .ok
        var headers: [(String, String)] = []
        var body: [UInt8] = []
    }

    let channel: Channel
    var port: Int { channel.localAddress!.port! }

    init(_ routes: [String: Response]) async throws {
        let recorder = RequestRecorder()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(routes: routes, recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.recorder = recorder
    }

    let recorder: RequestRecorder

    func shutdown() async throws {
        try await channel.close()
    }

    final class RequestRecorder: Sendable {
        let seen = Mutex<[(path: String, headers: [(String, String)])]>([])
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let routes: [String: Response]
        let recorder: RequestRecorder

        init(routes: [String: Response], recorder: RequestRecorder) {
            self.routes = routes
            self.recorder = recorder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            recorder.seen.withLock { $0.append((head.uri, head.headers.map { ($0.name, $0.value) })) }
            let response = routes[head.uri] ?? Response(status: .notFound, body: Array("no route".utf8))
            var headers = HTTPHeaders(response.headers)
            headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
