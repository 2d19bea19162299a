import Hummingbird
import Synchronization
import Telemetry
import Tracing

/// A request whose response body is written after the middleware returned: it finishes the request's telemetry when
/// the body has been written, when writing fails, or, should a later layer drop the response unwritten, when it is
/// released. Each happens once.
final class StreamedResponseObservation: Sendable {
    /// The request's telemetry until it is finished, then `nil`.
    private let telemetry: Mutex<RequestTelemetry?>
    private let spanContext: ServiceContext
    private let writtenBytes = Atomic<Int>(0)

    init(_ telemetry: RequestTelemetry) {
        self.spanContext = telemetry.span.context
        self.telemetry = Mutex(telemetry)
    }

    deinit {
        // Dropped unwritten: how much body it had is unknown, not zero.
        finish(failure: nil, bodyWritten: false)
    }

    /// `body`, counting its bytes and finishing the request once it is written.
    func observe(_ body: ResponseBody) -> ResponseBody {
        let counted = body.map { [self] buffer in
            writtenBytes.add(buffer.readableBytes, ordering: .relaxed)
            return buffer
        }
        return ResponseBody(contentLength: body.contentLength) { [self] writer in
            do {
                // Written after the middleware returned: the span's context is set again, so that spans made while a
                // streamed body is produced are its children.
                try await ServiceContext.withValue(spanContext) {
                    try await counted.write(writer)
                }
                finish(failure: nil, bodyWritten: true)
            } catch {
                // A failed write (the client went away) ends the span as failed, with what was written.
                finish(failure: error, bodyWritten: true)
                throw error
            }
        }
    }

    /// Finishes the request, as failed when writing its body failed with `failure`, with the bytes written when the
    /// body was; the first time only.
    private func finish(failure: (any Error)?, bodyWritten: Bool) {
        guard var telemetry = telemetry.withLock({ $0.take() }) else { return }
        if let failure { telemetry.failed(failure) }
        telemetry.finish(responseBodySize: bodyWritten ? writtenBytes.load(ordering: .relaxed) : nil)
    }
}
