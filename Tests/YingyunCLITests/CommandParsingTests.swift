import ArgumentParser
import Testing

@testable import YingyunCLI

@Suite struct CommandParsingTests {
    @Test func parsesDumpWithOptions() throws {
        let command = try YingyunCommand.parseAsRoot(["dump", "a.dcm", "b.dcm", "--stop-before-pixels", "--charset", "strict"])
        let dump = try #require(command as? DumpCommand)
        #expect(dump.files == ["a.dcm", "b.dcm"])
        #expect(dump.stopBeforePixels)
        #expect(dump.decoding.mode == .strict)
    }

    @Test func parsesJSONDefaults() throws {
        let json = try #require(try YingyunCommand.parseAsRoot(["json", "a.dcm"]) as? JSONCommand)
        #expect(json.file == "a.dcm")
        #expect(!json.inline)
        #expect(json.bulkDataThreshold == 1024)
        #expect(json.decoding.mode == .lenient)
    }

    @Test func parsesScan() throws {
        let scan = try #require(try YingyunCommand.parseAsRoot(["scan", "dir", "--repeat", "3", "--in-memory"]) as? ScanCommand)
        #expect(scan.repetitions == 3)
        #expect(scan.inMemory)
    }

    @Test func rejectsBadArguments() {
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["dump"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["json", "a.dcm", "--charset", "bogus"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["nonsense"]) }
    }
}
