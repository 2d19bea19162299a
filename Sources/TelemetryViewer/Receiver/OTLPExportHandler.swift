import NIOCore

/// What became of one export request, whichever transport carried it.
enum OTLPExportOutcome: Sendable, Hashable {
    /// The sink took the batch; `rejected` items were dropped by the decoder, for the reason given.
    case accepted(rejected: Int64, reason: String)
    /// The body could not be decoded: the sender must not retry it.
    case invalid(reason: String)
    /// The receiver would not take the batch now: the sender should retry later.
    case unavailable(reason: String)
}

/// Decodes an export request and hands the batch to the sink: the part of receiving that HTTP and gRPC share,
/// with the admission limit and the counters.
struct OTLPExportHandler: Sendable {
    let sink: any BatchSink
    let admission: ExportAdmission
    let counters: ReceiverCounters
    let maxItems: Int

    static let busyReason = "the viewer has too many exports in flight; retry later"

    /// Runs `body` holding an admission slot, or answers `nil` when none is free (counted as refused).
    func withAdmission<Result>(_ body: () async throws -> Result) async rethrows -> Result? {
        guard admission.enter() else {
            counters.countRefusedBusy()
            return nil
        }
        defer { admission.leave() }
        return try await body()
    }

    func export(_ body: [UInt8], signal: Signal, encoding: OTLPEncoding) async -> OTLPExportOutcome {
        let decoded = body.withUnsafeBytes { decode($0, signal: signal, encoding: encoding) }
        return await submit(decoded)
    }

    /// Decodes straight from the received buffer, without copying the body first.
    func export(_ body: ByteBuffer, signal: Signal, encoding: OTLPEncoding) async -> OTLPExportOutcome {
        let decoded = body.withUnsafeReadableBytes { decode($0, signal: signal, encoding: encoding) }
        return await submit(decoded)
    }

    private func decode(
        _ body: UnsafeRawBufferPointer,
        signal: Signal,
        encoding: OTLPEncoding
    ) -> Result<ReceivedBatch, OTLPDecodingError> {
        do throws(OTLPDecodingError) {
            return .success(try OTLPRequestDecoder.decode(body, signal: signal, encoding: encoding, maxItems: maxItems))
        } catch {
            return .failure(error)
        }
    }

    private func submit(_ decoded: Result<ReceivedBatch, OTLPDecodingError>) async -> OTLPExportOutcome {
        let batch: ReceivedBatch
        switch decoded {
        case .success(let decodedBatch):
            batch = decodedBatch
        case .failure(let error):
            counters.countInvalid()
            return .invalid(reason: error.reason)
        }
        // An empty request is valid OTLP; there is nothing to store, so the sink need not be woken for it.
        if !batch.spans.isEmpty || !batch.metrics.isEmpty || !batch.logRecords.isEmpty {
            do {
                try await sink.submit(batch)
            } catch {
                counters.countRefusedBySink()
                return .unavailable(reason: error.senderMessage)
            }
        }
        counters.countAccepted(rejectedItems: batch.rejected)
        return .accepted(rejected: batch.rejected, reason: batch.rejectionReason)
    }
}

extension IngestError {
    /// What the receiver tells the sender, and logs.
    var senderMessage: String {
        switch self {
        case .overloaded: "the viewer is overloaded; retry later"
        case .closed: "the viewer is shutting down"
        }
    }
}
