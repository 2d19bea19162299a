import Synchronization

/// The storage one exporter's protobuf encoding reuses from one request to the next: the measuring pass's lengths
/// and the request body.
///
/// A request body is a few hundred kilobytes. Allocated afresh for every export, such a block goes back to the
/// allocator after the send, which returns the pages to the kernel and takes them back, zeroed, on the next export:
/// thousands of page faults a second at a busy service's export rate, which cost the host more CPU than encoding.
/// Kept here instead, the same pages serve every request.
///
/// An export takes the buffers and gives them back; a concurrent export finds none and allocates its own. The body
/// handed to the transport is shared with the copy kept here, so an array still in use by a send is never written:
/// reusing it copies it first.
final class EncodingBuffers: Sendable {
    struct Buffers {
        var lengths: [Int] = []
        var body: [UInt8] = []
    }

    private let stored = Mutex<Buffers?>(Buffers())

    /// Buffers larger than this are not kept: one unusually large request must not hold its memory for good.
    static var largestKeptBody: Int { 8 << 20 }

    func take() -> Buffers {
        stored.withLock { stored in
            defer { stored = nil }
            return stored ?? Buffers()
        }
    }

    func giveBack(_ buffers: Buffers) {
        guard buffers.body.capacity <= Self.largestKeptBody,
            buffers.lengths.capacity * MemoryLayout<Int>.stride <= Self.largestKeptBody
        else { return }
        stored.withLock { $0 = buffers }
    }
}
