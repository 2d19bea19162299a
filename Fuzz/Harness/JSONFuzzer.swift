/// libFuzzer's entry point: decodes the input as an OTLP/JSON request of each signal. Decoding may throw; it must
/// never trap, read out of bounds or exhaust the stack, which the sanitizers and libFuzzer report.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = UnsafeRawBufferPointer(start: data, count: size)
    for signal in Signal.allCases {
        _ = try? OTLPRequestDecoder.decode(body, signal: signal, encoding: .json)
    }
    return 0
}
