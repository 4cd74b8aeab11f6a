public import YingyunDICOM

/// The Modality LUT stage (PS3.3 C.11.1): stored values to modality values (Hounsfield units for CT),
/// by Rescale Slope/Intercept or a Modality LUT Sequence. Enhanced multi-frame images carry the
/// rescale in the Pixel Value Transformation Sequence of their functional groups (C.7.6.16.2.9).
public enum ModalityTransform: Sendable, Hashable {
    case rescale(slope: Double, intercept: Double)
    case lookupTable(LookupTable)

    public static let identity = ModalityTransform.rescale(slope: 1, intercept: 0)

    /// The transform for `frame` of an image.
    public init(dataSet ds: DataSet, frame: Int, signedInput: Bool, source: (any ByteSource)?) throws {
        if let item = ds[.modalityLUTSequence]?.items?.first,
            let lut = try LookupTable(item: item, source: source, signedInput: signedInput)
        {
            self = .lookupTable(lut)
            return
        }
        for scope in FunctionalGroups.scopes(ds, frame: frame) {
            if let item = scope[Tag(rawValue: 0x0028_9145)]?.items?.first, let r = ModalityTransform.rescale(in: item) {
                self = r
                return
            }
        }
        self = ModalityTransform.rescale(in: ds) ?? .identity
    }

    private static func rescale(in ds: DataSet) -> ModalityTransform? {
        guard let s = ds[.rescaleSlope].flatMap(DecimalValues.first) ?? ds[.rescaleIntercept].map({ _ in 1 }) else {
            return nil
        }
        let intercept = ds[.rescaleIntercept].flatMap(DecimalValues.first) ?? 0
        return .rescale(slope: s == 0 ? 1 : s, intercept: intercept)
    }

    @inline(__always)
    public func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .rescale(let slope, let intercept): return x * slope + intercept
        case .lookupTable(let lut): return lut(x)
        }
    }
}

/// Decimal String (DS) values as numbers.
enum DecimalValues {
    static func all(_ e: DataElement) -> [Double] {
        e.stringValues(characterSet: .default).compactMap { Double($0.trimmingSpaces) }
    }
    static func first(_ e: DataElement) -> Double? { all(e).first }
}

/// Where per-frame attributes live in enhanced multi-frame images: the frame's Per-Frame Functional
/// Groups item first, then the Shared Functional Groups (PS3.3 C.7.6.16).
enum FunctionalGroups {
    static func scopes(_ ds: DataSet, frame: Int) -> [DataSet] {
        var out: [DataSet] = []
        if let perFrame = ds[Tag(rawValue: 0x5200_9230)]?.items, perFrame.indices.contains(frame) {
            out.append(perFrame[frame])
        }
        if let shared = ds[Tag(rawValue: 0x5200_9229)]?.items?.first { out.append(shared) }
        return out
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
