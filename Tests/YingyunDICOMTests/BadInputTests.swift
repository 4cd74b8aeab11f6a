import NIOCore
import Testing

@testable import YingyunDICOM

/// Bad input never crashes or hangs the parser: every fixture and every pydicom test file, truncated
/// at every offset of its header region (and sampled beyond), and randomly corrupted, either parses
/// or throws a `DICOMParseError` naming an offset inside the input.
@Suite struct BadInputTests {
    static var corpus: [String] { Fixtures.dicomFiles + Fixtures.pydicomFiles }

    @Test func corpusIsPresent() {
        #expect(!Fixtures.dicomFiles.isEmpty, "Fixtures/dicom is empty")
    }

    @Test(arguments: corpus)
    func truncationAtEveryHeaderOffsetIsATypedError(path: String) throws {
        let bytes = try Fixtures.read(path)
        var options = ParseOptions()
        options.bulkDataThreshold = 256
        // Every offset in the first 1.5 KB (where headers live), then 100 evenly spaced cuts.
        var cuts = Array(0...min(bytes.count, 1536))
        if bytes.count > 1536 {
            let step = max(1, (bytes.count - 1536) / 100)
            cuts += stride(from: 1536, to: bytes.count, by: step)
        }
        for cut in cuts {
            check(Array(bytes[..<cut]), options: options)
        }
    }

    @Test(arguments: corpus)
    func randomCorruptionIsATypedError(path: String) throws {
        let bytes = try Fixtures.read(path)
        guard !bytes.isEmpty else { return }
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: path.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
        var options = ParseOptions()
        options.bulkDataThreshold = 256
        let header = min(bytes.count, 4096)
        for _ in 0..<60 {
            var mutated = bytes
            for _ in 0..<Int(rng.next() % 8 + 1) {
                let at = Int(rng.next() % UInt64(header))
                switch rng.next() % 3 {
                case 0: mutated[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: mutated[at] = 0xFF  // lengths become huge or undefined
                default: mutated[at] ^= 1 << UInt8(rng.next() % 8)
                }
            }
            check(mutated, options: options)
        }
    }

    func check(_ input: [UInt8], options: ParseOptions) {
        do {
            let file = try DICOMFile.parse(ByteBuffer(bytes: input), options: options)
            _ = file.dataSet.count
        } catch let e as DICOMParseError {
            #expect(e.offset >= 0 && e.offset <= input.count, "offset \(e.offset) outside the input")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }
}

/// A small deterministic PRNG so corruption cases are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
