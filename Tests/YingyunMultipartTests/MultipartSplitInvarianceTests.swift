import NIOCore
import Testing
import YingyunMultipart

/// Whatever the input, valid or not, how it is cut into buffers must not change the outcome:
/// the same parts, or the same error.
@Suite struct MultipartSplitInvarianceTests {
    enum Outcome: Equatable {
        case parsed(ParsedMessage)
        case failed(MultipartError)
    }

    static func outcome(_ bytes: [UInt8], boundary: String, splits: [Int]) -> Outcome {
        do {
            return .parsed(try ParsedMessage.parse(bytes, boundary: boundary, splits: splits))
        } catch {
            return .failed(error as! MultipartError)
        }
    }

    @Test(arguments: ["b", "bb-"])
    func arbitraryInputsParseTheSameHoweverSplit(boundary: String) {
        let pieces = [
            "--\(boundary)", "\r\n", "--", boundary, "-", " ", "\t", "X: y", "\r", "\n", "z", "--\(boundary)--",
            "\r\n--\(boundary)\r\n", "\r\n\r\n", ":",
        ].map { Array($0.utf8) }
        var generator = SeededGenerator(seed: UInt64(boundary.utf8.count))
        var outcomes = (parsed: 0, failed: 0)
        for _ in 0..<1500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...14, using: &generator) {
                bytes += pieces.randomElement(using: &generator)!
            }
            let whole = Self.outcome(bytes, boundary: boundary, splits: [])
            if case .parsed = whole { outcomes.parsed += 1 } else { outcomes.failed += 1 }
            var splitSets = (0...bytes.count).map { [$0] }
            splitSets.append(Array(0...bytes.count))
            for _ in 0..<5 {
                splitSets.append((0..<Int.random(in: 1...6, using: &generator))
                    .map { _ in Int.random(in: 0...bytes.count, using: &generator) }.sorted())
            }
            for splits in splitSets {
                let split = Self.outcome(bytes, boundary: boundary, splits: splits)
                #expect(split == whole, "input \(String(decoding: bytes, as: UTF8.self).debugDescription), splits \(splits)")
                if split != whole { return }
            }
        }
        // The generator must reach both sides for the property to mean something.
        #expect(outcomes.parsed > 50)
        #expect(outcomes.failed > 50)
    }
}
