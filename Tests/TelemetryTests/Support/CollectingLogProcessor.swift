import Synchronization
import Telemetry
import Tracing

/// Collects log records synchronously as they are emitted, so logs tests need no background work.
final class CollectingLogProcessor: LogRecordProcessor {
    private let state = Mutex<[LogRecordData]>([])

    var records: [LogRecordData] { state.withLock { $0 } }

    func onEmit(_ record: inout LogRecordData, context: ServiceContext) {
        let copy = record
        state.withLock { $0.append(copy) }
    }

    func forceFlush() async throws {}
    func shutdown() async throws {}
}

/// A logger provider with a collecting processor.
func makeLoggerProvider(limits: LogRecordLimits = LogRecordLimits()) -> (LoggerProvider, CollectingLogProcessor) {
    let processor = CollectingLogProcessor()
    let provider = LoggerProvider(
        resource: Resource(attributes: ["service.name": "test"]),
        processors: [processor],
        limits: limits
    )
    return (provider, processor)
}

/// A swift-log stream that keeps what a `StreamLogHandler` writes.
final class CapturedStream: TextOutputStream, Sendable {
    private let text = Mutex("")

    var contents: String { text.withLock { $0 } }

    func write(_ string: String) {
        text.withLock { $0 += string }
    }
}
