import YingyunDICOM

/// How the pixel data of a transfer syntax is encoded, and so which decoder reads it.
enum PixelCodec: Sendable, Equatable {
    case native
    /// Encapsulated Uncompressed (1.2.840.10008.1.2.1.98): native frames in fragments.
    case encapsulatedNative
    case rle
    /// ISO 10918-1 DCT processes (baseline 8-bit, extended 12-bit), through libjpeg.
    case jpegDCT
    /// ISO 10918-1 process 14, our own decoder.
    case jpegLossless
    case jpegLS(nearLossless: Bool)
    case jpeg2000(lossless: Bool)

    /// The codec for a transfer syntax, or nil when nothing here decodes it.
    init?(_ ts: TransferSyntax) {
        switch ts.uid {
        case "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99":
            self = .native
        case "1.2.840.10008.1.2.1.98": self = .encapsulatedNative
        case "1.2.840.10008.1.2.5": self = .rle
        case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51": self = .jpegDCT
        case "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70": self = .jpegLossless
        case "1.2.840.10008.1.2.4.80": self = .jpegLS(nearLossless: false)
        case "1.2.840.10008.1.2.4.81": self = .jpegLS(nearLossless: true)
        // JPEG 2000 Part 1 and High-Throughput JPEG 2000 (PS3.5 §A.4.4, §A.4.11); OpenJPEG 2.5 decodes both.
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202":
            self = .jpeg2000(lossless: true)
        case "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.203": self = .jpeg2000(lossless: false)
        default: return nil
        }
    }

    /// Whether decoded samples must equal the encoder's input exactly.
    var isLossless: Bool {
        switch self {
        case .jpegDCT: return false
        case .jpegLS(let near): return !near
        case .jpeg2000(let lossless): return lossless
        default: return true
        }
    }
}

extension TransferSyntax {
    /// "JPEG Baseline (Process 1)" and the like, from the PS3.6 registry; the UID when unknown.
    var registeredName: String { UIDDictionary.entry(for: uid)?.name ?? "unknown transfer syntax" }
}
