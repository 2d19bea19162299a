import Foundation
import Telemetry
@testable import TelemetryOTLP
import TelemetryTesting
import Testing

/// Certificates made with `openssl` for one test: a CA, a server certificate for 127.0.0.1 and a client certificate.
struct TestCertificates {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = """
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj "/CN=swift-telemetry test CA" 2>/dev/null
            for role in server client; do
              openssl req -newkey rsa:2048 -nodes -keyout $role.key -out $role.csr -subj "/CN=$role" 2>/dev/null
            done
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext
            printf 'extendedKeyUsage=clientAuth\\n' > client.ext
            for role in server client; do
              openssl x509 -req -in $role.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $role.crt -days 1 -extfile $role.ext 2>/dev/null
            done
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = directory
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OTLPReceiver.Failure(description: "openssl could not make the test certificates")
        }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

@Suite("OTLP over TLS and mTLS", .serialized)
struct OTLPTLSTests {
    @Test("TLS with a custom CA", arguments: [OTLPProtocol.grpc, .httpProtobuf])
    func tls(protocol: OTLPProtocol) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let receiver = try await OTLPReceiver(arguments: ["--tls-cert", certificates.path("server.crt"), "--tls-key", certificates.path("server.key")])
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration.receiver(receiver, `protocol`).overTLS()
        configuration.certificateFile = certificates.path("ca.crt")
        let pipeline = try Pipeline(configuration)
        pipeline.provider.startSpan("secure").end()
        try await pipeline.provider.forceFlush()
        #expect(try await receiver.waitForSpans(1))
        #expect(pipeline.exporter.statistics.exported == 1)
        try await pipeline.shutdown()
    }

    @Test("a server certificate that does not verify fails the batch without a retry", arguments: [OTLPProtocol.grpc, .httpProtobuf])
    func untrustedCertificate(protocol: OTLPProtocol) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let receiver = try await OTLPReceiver(arguments: ["--tls-cert", certificates.path("server.crt"), "--tls-key", certificates.path("server.key")])
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration.receiver(receiver, `protocol`).overTLS()
        // No certificateFile: the test CA is not trusted. A long timeout would show any retry as a long wait.
        configuration.timeout = .seconds(60)
        configuration.retry = OTLPRetryPolicy(initialBackoff: .seconds(20), maxBackoff: .seconds(20))
        let logs = LogCapture()
        let pipeline = try Pipeline(configuration, logger: logs.logger())
        pipeline.provider.startSpan("untrusted").end()
        try await pipeline.provider.forceFlush()
        let statistics = pipeline.exporter.statistics
        #expect(statistics.retries == 0, "\(logs.lines)")
        #expect(statistics.failed == 1)
        #expect(statistics.failedExports == 1)
        try await pipeline.shutdown()
    }

    @Test("mTLS: the client certificate is required and sent", arguments: [OTLPProtocol.grpc, .httpProtobuf])
    func mutualTLS(protocol: OTLPProtocol) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let receiver = try await OTLPReceiver(arguments: [
            "--tls-cert", certificates.path("server.crt"), "--tls-key", certificates.path("server.key"),
            "--client-ca", certificates.path("ca.crt"),
        ])
        defer { receiver.stop() }
        var configuration = OTLPExporterConfiguration.receiver(receiver, `protocol`).overTLS()
        configuration.certificateFile = certificates.path("ca.crt")
        configuration.timeout = .seconds(3)
        configuration.retry = OTLPRetryPolicy(initialBackoff: .milliseconds(200), maxBackoff: .milliseconds(500))

        // Without a client certificate the server refuses the handshake.
        let refused = try Pipeline(configuration)
        refused.provider.startSpan("refused").end()
        try await refused.provider.forceFlush()
        #expect(refused.exporter.statistics.failed == 1)
        try await refused.shutdown()

        configuration.clientCertificateFile = certificates.path("client.crt")
        configuration.clientKeyFile = certificates.path("client.key")
        let accepted = try Pipeline(configuration)
        accepted.provider.startSpan("mutual").end()
        try await accepted.provider.forceFlush()
        #expect(accepted.exporter.statistics.exported == 1)
        #expect(try await receiver.waitForSpans(1))
        #expect(receiver.spans.map { $0.span["name"] as? String } == ["mutual"])
        try await accepted.shutdown()
    }
}

extension OTLPExporterConfiguration {
    /// The same receiver over TLS: `https` and the name the test server certificate carries.
    func overTLS() -> OTLPExporterConfiguration {
        var configuration = self
        configuration.endpoint = endpoint?.replacingOccurrences(of: "http://127.0.0.1", with: "https://localhost")
        return configuration
    }
}
