import AsyncHTTPClient
import Foundation
import GRPCCore
import NIOSSL

/// Describes transport failures for log lines and errors, and tells the failures that retrying cannot fix.
///
/// Libraries describe their errors with whatever they hold: AsyncHTTPClient's invalid-header errors hold the header
/// values, which are secrets. So a known error is described by a fixed text, and any text that came from outside
/// this module goes through an ``OTLPRedactor`` before it is shown.
enum OTLPFailureDescription {
    /// A description of `error` without header values.
    static func describe(_ error: any Error, redactor: OTLPRedactor) -> String {
        switch error {
        case let error as HTTPClientError:
            // `shortDescription` is documented to hold no associated values, so no header and no URL.
            return "HTTP client error: \(error.shortDescription)"
        case let error as RPCError:
            let cause = error.cause.map { "; caused by \(describe($0, redactor: redactor))" } ?? ""
            return "gRPC status \(error.code): \(redactor.redact(error.message))\(cause)"
        case is CancellationError:
            return "cancelled"
        default:
            return redactor.redact(String(describing: error))
        }
    }

    /// Whether no retry of a request that failed with `error` can succeed: the HTTP client refuses the request
    /// itself, or TLS failed on a certificate, which only a change of certificates or configuration fixes.
    static func isPermanent(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, permanentHTTPClientErrors.contains(error.shortDescription) { return true }
        return isCertificateFailure(error)
    }

    /// Whether `error`, or an error it wraps, is a TLS failure over a certificate: the server's did not verify, or
    /// the server refused the client's.
    static func isCertificateFailure(_ error: any Error, depth: Int = 0) -> Bool {
        guard depth < 8 else { return false }
        switch error {
        case let error as NIOSSLExtraError:
            return error == .failedToValidateHostname || error == .serverHostnameImpossibleToMatch
        case let error as NIOSSLError:
            switch error {
            case .unableToValidateCertificate, .noCertificateToValidate, .cannotMatchULabel: return true
            case .handshakeFailed(let reason): return mentionsCertificate(reason)
            default: return false
            }
        case let error as BoringSSLError:
            return mentionsCertificate(error)
        case let error as RPCError:
            return error.cause.map { isCertificateFailure($0, depth: depth + 1) } ?? false
        default:
            return false
        }
    }

    /// Whether BoringSSL's error stack names a certificate reason: `CERTIFICATE_VERIFY_FAILED` on this side, or an
    /// alert such as `SSLV3_ALERT_BAD_CERTIFICATE`, `TLSV1_ALERT_UNKNOWN_CA` or `TLSV1_ALERT_CERTIFICATE_REQUIRED` from
    /// the peer. The stack holds BoringSSL's reason codes, not data from the connection.
    private static func mentionsCertificate(_ error: BoringSSLError) -> Bool {
        let text = String(describing: error)
        return text.contains("CERTIFICATE") || text.contains("UNKNOWN_CA")
    }

    /// AsyncHTTPClient's errors about the request itself, which no retry changes, by their short descriptions.
    private static let permanentHTTPClientErrors: Set<String> = Set(
        [
            HTTPClientError.invalidURL, .emptyHost, .emptyScheme, .unsupportedScheme(""), .missingSocketPath,
            .invalidHeaderFieldNames([]), .invalidHeaderFieldValues([]), .traceRequestWithBody, .bodyLengthMismatch,
            .identityCodingIncorrectlyPresent, .alreadyShutdown,
        ].map(\.shortDescription)
    )
}

/// Removes the exporter's secrets, its header values, from text that came from elsewhere: a library's error
/// description, a collector's error message or response body.
struct OTLPRedactor: Sendable {
    private let secrets: [String]

    init(headers: [(name: String, value: String)]) {
        var secrets = Set<String>()
        for (_, value) in headers where !value.isEmpty {
            secrets.insert(value)
            // Also as Swift prints a string inside a collection, with its control characters escaped.
            secrets.insert(String(String(reflecting: value).dropFirst().dropLast()))
        }
        // Longest first, so that a secret containing another is removed whole.
        self.secrets = secrets.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    func redact(_ text: String) -> String {
        secrets.reduce(text) { text, secret in text.replacingOccurrences(of: secret, with: "<redacted>") }
    }
}
