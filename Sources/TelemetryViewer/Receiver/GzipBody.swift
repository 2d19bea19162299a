import CompressNIO
import NIOCore

/// Why a compressed request body was refused.
enum GzipBodyError: Error, Sendable, Hashable {
    /// Not a complete, valid gzip stream.
    case malformed(String)
    /// Inflates to more than the receiver accepts: a zip bomb, or simply too big.
    case tooLarge
}

/// Inflates gzip request bodies without ever holding more than the size limit, so that a small compressed body
/// cannot make the receiver allocate without bound.
enum GzipBody {
    static func inflate(_ body: ByteBuffer, limit: Int) throws(GzipBodyError) -> ByteBuffer {
        guard body.readableBytes > 0 else { throw .malformed("the gzip body is empty") }
        let inflater: ZlibDecompressor
        do {
            inflater = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            throw .malformed("the gzip body could not be inflated: \(error)")
        }
        var input = body
        let cap = limit < Int.max ? limit + 1 : limit
        var output = ByteBufferAllocator().buffer(capacity: min(cap, max(body.readableBytes * 4, 16 * 1024)))
        while true {
            if output.writableBytes == 0 {
                guard output.readableBytes < cap else { throw .tooLarge }
                output.reserveCapacity(min(cap, output.capacity * 2))
            }
            do {
                try inflater.inflate(from: &input, to: &output)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                guard output.readableBytes <= limit else { throw .tooLarge }
                continue
            } catch let error as CompressNIOError where error == .inputBufferOverflow {
                throw .malformed("the gzip body is truncated")
            } catch let error as CompressNIOError where error == .corruptData {
                throw .malformed("the gzip body is corrupt")
            } catch {
                throw .malformed("the gzip body could not be inflated: \(error)")
            }
            guard output.readableBytes <= limit else { throw .tooLarge }
            // zlib returns without error both at the end of the stream and when the input ran out first; one more
            // call with no input tells them apart: the finished stream reports its end again, a truncated one
            // reports that it needs more input.
            if input.readableBytes > 0 {
                throw .malformed("the gzip body has data after the end of its stream")
            }
            if output.writableBytes == 0 { output.reserveCapacity(minimumWritableBytes: 1) }
            do {
                try inflater.inflate(from: &input, to: &output)
            } catch {
                throw .malformed("the gzip body is truncated")
            }
            guard output.readableBytes <= limit else { throw .tooLarge }
            return output
        }
    }
}
