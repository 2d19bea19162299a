import Foundation
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Resource {
    /// The name and version this SDK reports as `telemetry.sdk.*`.
    public static let sdkName = "swift-telemetry"
    /// The version of this SDK.
    public static let sdkVersion = "0.1.0"

    /// The attributes the SDK finds by itself: the SDK, the process, the host and the operating system, a random
    /// `service.instance.id`, and a default `service.name` of `unknown_service:<process name>`.
    public static func detected() -> Resource {
        let executableName = Self.executableName()
        var attributes: SpanAttributes = [
            "telemetry.sdk.name": .string(sdkName),
            "telemetry.sdk.language": "swift",
            "telemetry.sdk.version": .string(sdkVersion),
            "service.name": .string("unknown_service:\(executableName)"),
            "service.instance.id": .string(UUID().uuidString.lowercased()),
            "process.pid": .int64(Int64(getpid())),
            "process.executable.name": .string(executableName),
            "process.runtime.name": "swift",
            "process.runtime.version": .string(swiftVersion),
            "process.runtime.description": .string("Swift \(swiftVersion)"),
            "os.type": .string(osType),
            "host.arch": .string(hostArch),
        ]
        if let path = CommandLine.arguments.first, !path.isEmpty {
            attributes.set("process.executable.path", value: .string(path))
        }
        if let hostName = Self.hostName() {
            attributes.set("host.name", value: .string(hostName))
        }
        return Resource(attributes: attributes)
    }

    static func executableName() -> String {
        guard let path = CommandLine.arguments.first, !path.isEmpty else { return "swift" }
        return path.split(separator: "/").last.map(String.init) ?? path
    }

    static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    static var swiftVersion: String {
        #if swift(>=6.4)
        return "6.4"
        #elseif swift(>=6.3)
        return "6.3"
        #elseif swift(>=6.2)
        return "6.2"
        #elseif swift(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    static var osType: String {
        #if os(Linux)
        return "linux"
        #elseif os(macOS) || os(iOS) || os(tvOS) || os(watchOS)
        return "darwin"
        #elseif os(Windows)
        return "windows"
        #else
        return "unknown"
        #endif
    }

    static var hostArch: String {
        #if arch(x86_64)
        return "amd64"
        #elseif arch(arm64)
        return "arm64"
        #elseif arch(i386)
        return "x86"
        #elseif arch(arm)
        return "arm32"
        #else
        return "unknown"
        #endif
    }
}
