import Hummingbird
import NIOCore

/// A request context that knows its peer, so the middleware can record `client.address`.
struct AddressedContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

struct UnexpectedFailure: Error, CustomStringConvertible {
    var description: String { "the database is on fire" }
}
