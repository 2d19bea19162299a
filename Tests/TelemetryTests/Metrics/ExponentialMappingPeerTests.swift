import Foundation
@testable import Telemetry
import TelemetryTesting
import Testing

/// Our exponential histogram index mapping against the Python SDK's `LogarithmMapping` and `ExponentMapping`,
/// an implementation nobody here wrote (`Tests/Peers/exponential_mapping_peer.py`).
@Suite("Exponential histogram index mapping against the Python SDK", .serialized)
struct ExponentialMappingPeerTests {

    /// Runs the mapping peer with the interpreter `PythonPeer` finds, and returns its indices per scale.
    static func pythonIndices(values: [Double], scales: [Int]) throws -> [[Int]] {
        let request: [String: Any] = ["scales": scales, "values": values.map { String($0.bitPattern) }]
        let decoded: [String: Any]? = try PythonPeer.call(request, script: "exponential_mapping_peer.py")
        guard let indices = decoded?["indices"] as? [[Int]] else {
            throw PythonPeer.Failure(description: "Python mapping peer answered without indices")
        }
        return indices
    }

    /// Values where mappings tend to differ: powers of two and their neighbours, the ends of the normal range,
    /// subnormals, round decimals, and random bit patterns over the whole exponent range.
    static func values() -> [Double] {
        var values: [Double] = [
            1, 1.5, 2, 3, 10, 100, 0.1, 0.3, 1e-300, 1e300, .pi, 1000.5,
            .leastNormalMagnitude, Double.leastNormalMagnitude.nextUp, Double.leastNormalMagnitude.nextDown,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, Double.greatestFiniteMagnitude.nextDown,
            2.0.squareRoot(), 1.0905077326652577,  // the base at scales 1 and 3
        ]
        for exponent in stride(from: -1022, through: 1023, by: 61) {
            let power = Double(sign: .plus, exponent: exponent, significand: 1)
            values += [power, power.nextUp, power.nextDown]
        }
        var random = SeededGenerator(seed: 2024)
        while values.count < 400 {
            // A random positive finite bit pattern: sign cleared, exponent field not all ones.
            let bits = random.next() & 0x7FFF_FFFF_FFFF_FFFF
            let value = Double(bitPattern: bits)
            if value.isFinite, value > 0 { values.append(value) }
        }
        return values
    }

    @Test("map_to_index agrees for 400 values at every scale from -10 to 20")
    func indicesAgree() throws {
        let values = Self.values()
        let scales = Array(Base2ExponentialMapping.minScale...Base2ExponentialMapping.maxScale)
        let python = try Self.pythonIndices(values: values, scales: scales)
        try #require(python.count == scales.count)
        for (scaleIndex, scale) in scales.enumerated() {
            try #require(python[scaleIndex].count == values.count)
            var mismatches: [String] = []
            for (valueIndex, value) in values.enumerated() {
                let ours = Base2ExponentialMapping.index(of: value, scale: scale)
                if ours != python[scaleIndex][valueIndex] {
                    mismatches.append("\(value): ours \(ours), Python \(python[scaleIndex][valueIndex])")
                }
            }
            #expect(mismatches.isEmpty, "scale \(scale): \(mismatches.prefix(5))")
        }
    }
}
