import Foundation

/// The `partial_success` of an `Export…ServiceResponse`, for any signal.
struct PartialSuccess {
    var rejected: Int64 = 0
    var message = ""

    /// Reads a protobuf response. The field numbers are the same for every signal, so no signal is needed.
    init(protobuf bytes: [UInt8]) {
        var reader = ProtoReader(bytes)
        while let field = reader.next() {
            guard field.number == OTLPFields.ExportTraceServiceResponse.partialSuccess, case .bytes(let body) = field.value
            else { continue }
            var inner = ProtoReader(body)
            while let innerField = inner.next() {
                switch (innerField.number, innerField.value) {
                case (OTLPFields.ExportTracePartialSuccess.rejectedSpans, .varint(let value)):
                    rejected = Int64(bitPattern: value)
                case (OTLPFields.ExportTracePartialSuccess.errorMessage, .bytes(let text)):
                    message = String(decoding: text, as: UTF8.self)
                default: continue
                }
            }
        }
    }

    /// Reads an OTLP/JSON response, whose count of rejected items is named after the signal: `rejectedSpans`,
    /// `rejectedLogRecords`.
    init(json bytes: [UInt8], rejectedKey: String = OTLPSignal.traces.rejectedJSONKey) {
        guard !bytes.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let partial = object["partialSuccess"] as? [String: Any]
        else { return }
        // proto3's JSON mapping writes an int64 as a string, and readers accept a number too.
        if let text = partial[rejectedKey] as? String, let value = Int64(text) {
            rejected = value
        } else if let number = partial[rejectedKey] as? NSNumber {
            rejected = number.int64Value
        }
        message = partial["errorMessage"] as? String ?? ""
    }
}
