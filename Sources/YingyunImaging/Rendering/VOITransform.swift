#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import YingyunDICOM

/// A VOI window (PS3.3 C.11.2.1.2): center, width and the function mapping values through it.
public struct VOIWindow: Sendable, Hashable {
    /// VOI LUT Function (0028,1056).
    public enum Function: String, Sendable, Hashable, CaseIterable {
        case linear = "LINEAR"
        case linearExact = "LINEAR_EXACT"
        case sigmoid = "SIGMOID"
    }

    public var center: Double
    public var width: Double
    public var function: Function

    public init(center: Double, width: Double, function: Function = .linear) {
        self.center = center
        self.width = width
        self.function = function
    }

    /// Maps a modality value to [0, 1].
    @inline(__always)
    public func callAsFunction(_ x: Double) -> Double {
        switch function {
        case .linear:
            // C.11.2.1.2.1: width ≥ 1, the window is [c − 0.5 − (w−1)/2, c − 0.5 + (w−1)/2].
            let w = max(width, 1)
            let c = center - 0.5
            if x <= c - (w - 1) / 2 { return 0 }
            if x > c + (w - 1) / 2 { return 1 }
            return w == 1 ? 1 : (x - c) / (w - 1) + 0.5
        case .linearExact:
            // C.11.2.1.3.2
            let w = max(width, .leastNonzeroMagnitude)
            if x <= center - w / 2 { return 0 }
            if x > center + w / 2 { return 1 }
            return (x - center) / w + 0.5
        case .sigmoid:
            // C.11.2.1.3.1
            return 1 / (1 + exp(-4 * (x - center) / max(width, .leastNonzeroMagnitude)))
        }
    }
}

/// The VOI LUT stage (PS3.3 C.11.2): a window, a VOI LUT, or one computed from the image.
public enum VOITransform: Sendable, Hashable {
    case window(VOIWindow)
    case lookupTable(LookupTable)

    /// The file's first window (or the frame's, for enhanced images), else its first VOI LUT; nil when neither exists.
    public static func fromFile(_ ds: DataSet, frame: Int, signedInput: Bool, source: (any ByteSource)?) throws
        -> VOITransform?
    {
        // Frame VOI LUT Sequence (0028,9132) of the frame's functional groups, then the top level.
        let candidates = FunctionalGroups.scopes(ds, frame: frame).compactMap { $0[Tag(rawValue: 0x0028_9132)]?.items?.first }
        for voi in candidates + [ds] {
            if let c = voi[.windowCenter].flatMap(DecimalValues.first),
                let w = voi[.windowWidth].flatMap(DecimalValues.first), w > 0
            {
                let name = voi[.voilutFunction]?.stringValue(characterSet: .default) ?? "LINEAR"
                return .window(VOIWindow(center: c, width: w, function: VOIWindow.Function(rawValue: name) ?? .linear))
            }
        }
        if let item = ds[.voilutSequence]?.items?.first,
            let lut = try LookupTable(item: item, source: source, signedInput: signedInput)
        {
            return .lookupTable(lut)
        }
        return nil
    }

    /// A linear window over the central 99% of the modality values (0.5% cut at each end), so a
    /// few outliers such as CT padding do not wash out the image.
    public static func automatic(modalityValues values: [Double]) -> VOITransform {
        guard !values.isEmpty else { return .window(VOIWindow(center: 0, width: 1)) }
        let sorted = values.sorted()
        let lo = sorted[Int(Double(sorted.count - 1) * 0.005)]
        let hi = sorted[Int(Double(sorted.count - 1) * 0.995)]
        let (a, b) = hi > lo ? (lo, hi) : (sorted.first!, sorted.last!)
        let width = max(b - a, 1)
        return .window(VOIWindow(center: a + width / 2, width: width, function: .linearExact))
    }

    /// The same window from a histogram: `values[i]` occurs `counts[i]` times (values in any order).
    public static func automatic(modalityValues values: [Double], counts: [Int]) -> VOITransform {
        let pairs = zip(values, counts).filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
        let total = pairs.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return .window(VOIWindow(center: 0, width: 1)) }
        // The value at sorted position k, as `automatic(modalityValues:)` would index it.
        func at(_ k: Int) -> Double {
            var seen = 0
            for (v, c) in pairs {
                seen += c
                if k < seen { return v }
            }
            return pairs.last!.0
        }
        let lo = at(Int(Double(total - 1) * 0.005)), hi = at(Int(Double(total - 1) * 0.995))
        let (a, b) = hi > lo ? (lo, hi) : (pairs.first!.0, pairs.last!.0)
        let width = max(b - a, 1)
        return .window(VOIWindow(center: a + width / 2, width: width, function: .linearExact))
    }

    /// Maps a modality value to [0, 1].
    @inline(__always)
    public func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .window(let w): return w(x)
        case .lookupTable(let lut): return lut(x) / lut.maximumOutput
        }
    }
}

