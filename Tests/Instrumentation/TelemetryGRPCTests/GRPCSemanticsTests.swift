import GRPCCore
import Testing
import Tracing

@testable import TelemetryGRPC

@Suite("gRPC semantic conventions")
struct GRPCSemanticsTests {
    @Test("peer descriptions of the NIO transports give address, port and type; others give nothing")
    func peers() {
        #expect(
            GRPCSemantics.peer("ipv4:127.0.0.1:50051")
                == .init(address: "127.0.0.1", port: 50051, type: "ipv4", transport: "tcp"))
        #expect(GRPCSemantics.peer("ipv6:[::1]:443") == .init(address: "::1", port: 443, type: "ipv6", transport: "tcp"))
        #expect(GRPCSemantics.peer("unix:/tmp/s.sock") == .init(address: "/tmp/s.sock", port: nil, type: nil, transport: "unix"))
        for bad in ["in-process:42", "ipv4:127.0.0.1", "ipv4:1.2.3.4:port", "ipv6:::1:80", "ipv6:[::1]", "unix:", "", "x"] {
            #expect(GRPCSemantics.peer(bad) == nil, "\(bad)")
        }
    }

    @Test("a client marks every non-OK status as an error; a server only those that say it failed")
    func errorRules() {
        let serverErrors: Set<Int> = [2, 4, 12, 13, 14, 15]
        for code in 0...16 {
            #expect(GRPCSemantics.isError(code, kind: .client) == (code != 0), "client \(code)")
            #expect(GRPCSemantics.isError(code, kind: .server) == serverErrors.contains(code), "server \(code)")
        }
        #expect(GRPCSemantics.statusName(5) == "NOT_FOUND")
        #expect(GRPCSemantics.statusName(16) == "UNAUTHENTICATED")
        #expect(GRPCSemantics.statusName(99) == "99")
    }

    @Test("status codes of thrown errors: RPCError's own, UNKNOWN for anything else, OK without one")
    func statusCodes() {
        struct Other: Error {}
        #expect(GRPCSemantics.statusCode(of: nil) == 0)
        #expect(GRPCSemantics.statusCode(of: RPCError(code: .unavailable, message: "")) == 14)
        #expect(GRPCSemantics.statusCode(of: Other()) == 2)
    }
}
