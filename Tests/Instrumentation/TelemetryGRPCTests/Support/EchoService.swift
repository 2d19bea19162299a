import GRPCCore
import Tracing

/// Strings as UTF-8 bytes: enough of a message format to test interceptors without code generation.
struct StringCoder: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: String) throws -> Bytes {
        Bytes(Array(message.utf8))
    }

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> String {
        serializedMessageBytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}

struct HandlerFailure: Error {}

/// A hand-written service `test.Echo` with a unary, a server-streaming and a bidirectional method.
struct EchoService: RegistrableRPCService {
    static let get = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Get", type: .unary)
    static let list = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "List", type: .serverStreaming)
    static let chat = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Chat", type: .bidirectionalStreaming)

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        // Get answers with the trace id the handler runs in and the traceparent it received, or fails as asked.
        router.registerHandler(
            forMethod: Self.get, deserializer: StringCoder(), serializer: StringCoder()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            switch single.message {
            case "missing": throw RPCError(code: .notFound, message: "no such order")
            case "crash": throw HandlerFailure()
            default: break
            }
            let traceID = ServiceContext.current?.spanContext?.traceID.hexString ?? "none"
            let traceparent = single.metadata[stringValues: "traceparent"].first(where: { _ in true }) ?? "none"
            return StreamingServerResponse(
                single: ServerResponse(message: "\(traceID) \(traceparent)", metadata: ["answered-by": "echo"]))
        }
        // List answers "n" with n messages.
        router.registerHandler(
            forMethod: Self.list, deserializer: StringCoder(), serializer: StringCoder()
        ) { request, _ in
            let single = try await ServerRequest(stream: request)
            let count = Int(single.message) ?? 0
            return StreamingServerResponse { writer in
                for index in 1...max(count, 1) { try await writer.write("item \(index)") }
                return [:]
            }
        }
        // Chat echoes each message as it arrives.
        router.registerHandler(
            forMethod: Self.chat, deserializer: StringCoder(), serializer: StringCoder()
        ) { request, _ in
            StreamingServerResponse { writer in
                for try await message in request.messages { try await writer.write("echo \(message)") }
                return [:]
            }
        }
    }
}
