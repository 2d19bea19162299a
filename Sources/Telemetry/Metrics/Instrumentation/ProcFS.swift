#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The fields of `/proc/self/stat` that the process metrics use.
struct ProcStat: Sendable, Equatable {
    /// Time spent in user mode, in clock ticks (field 14, `utime`).
    var userTicks: UInt64
    /// Time spent in kernel mode, in clock ticks (field 15, `stime`).
    var systemTicks: UInt64
    /// Threads in the process (field 20, `num_threads`).
    var threads: Int64
    /// When the process started, in clock ticks after boot (field 22, `starttime`).
    var startTicks: UInt64
}

/// The fields of `/proc/self/statm` that the process metrics use, in pages.
struct ProcStatm: Sendable, Equatable {
    /// Total program size (the first field): the virtual memory size.
    var sizePages: UInt64
    /// Resident set size (the second field).
    var residentPages: UInt64
}

/// Parsing of the `/proc` files the process metrics read; pure functions over text, so they are tested on any
/// platform with sample and malformed content. Every parser returns `nil` rather than trapping on content it does not
/// expect: a kernel with another layout costs a metric, never the process.
enum ProcFS {
    /// Parses `/proc/<pid>/stat` (see proc_pid_stat(5)).
    ///
    /// The second field, the command name, is in parentheses and may itself hold spaces and parentheses, so the fields
    /// are counted from after the *last* `)`: the first one there is field 3, `state`.
    static func parseStat(_ text: String) -> ProcStat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        // Field n of the man page is fields[n - 3].
        func field(_ number: Int) -> Substring? {
            let index = number - 3
            return fields.indices.contains(index) ? fields[index] : nil
        }
        guard
            let utime = field(14).flatMap({ UInt64($0) }),
            let stime = field(15).flatMap({ UInt64($0) }),
            let threads = field(20).flatMap({ Int64($0) }), threads >= 0,
            let start = field(22).flatMap({ UInt64($0) })
        else { return nil }
        return ProcStat(userTicks: utime, systemTicks: stime, threads: threads, startTicks: start)
    }

    /// Parses `/proc/<pid>/statm`: `size resident shared text lib data dt`, in pages; only the first two are used.
    static func parseStatm(_ text: String) -> ProcStatm? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard fields.count >= 2, let size = UInt64(fields[0]), let resident = UInt64(fields[1]) else { return nil }
        return ProcStatm(sizePages: size, residentPages: resident)
    }

    /// Multiplies without trapping: `nil` when the product does not fit an `Int64`, which only garbage can cause.
    static func bytes(pages: UInt64, pageSize: UInt64) -> Int64? {
        let (product, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        guard !overflow, product <= UInt64(Int64.max) else { return nil }
        return Int64(product)
    }

    #if os(Linux)
    /// Reads a whole `/proc` file. Such files report a size of 0, so they are read until end of file; at most 64 KiB
    /// are kept, far more than `stat` or `statm` ever hold.
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Counts the entries of `/proc/self/fd`, leaving out `.`, `..` and the descriptor this very listing opened, so
    /// that the count is the process's own.
    static func countOpenFileDescriptors() -> Int64? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        let own = String(dirfd(directory))
        var count: Int64 = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || name == own { continue }
            count += 1
        }
        return count
    }

    /// Seconds since boot on `CLOCK_BOOTTIME`: the clock `starttime` in `/proc/self/stat` counts on, so the
    /// difference is the process's uptime, with nanosecond resolution between two readings.
    static func secondsSinceBoot() -> Double? {
        var time = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &time) == 0 else { return nil }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// A positive `sysconf` value, or `nil`.
    static func positiveSysconf(_ name: Int32) -> UInt64? {
        let value = sysconf(name)
        return value > 0 ? UInt64(value) : nil
    }
    #endif
}
