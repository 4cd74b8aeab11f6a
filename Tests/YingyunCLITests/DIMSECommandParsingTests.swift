import ArgumentParser
import Testing

@testable import YingyunCLI

@Suite struct DIMSECommandParsingTests {
    @Test func serveHasDICOMDefaults() throws {
        let serve = try #require(try YingyunCommand.parseAsRoot(["serve"]) as? ServeCommand)
        #expect(serve.dicomPort == nil)  // 11112, skipped with a warning if taken
        #expect(serve.aeTitle == "YINGYUN")
        #expect(serve.aeConfig == nil)
        #expect(serve.dicomIdleTimeout == 300)
    }

    @Test func serveTakesDICOMOptions() throws {
        let serve = try #require(try YingyunCommand.parseAsRoot([
            "serve", "--dicom-port", "0", "--ae-title", "CLOUD", "--ae-config", "ae.json",
            "--dicom-artim-timeout", "1.5", "--dicom-idle-timeout", "2", "--dicom-max-pdu", "65536",
        ]) as? ServeCommand)
        #expect(serve.dicomPort == 0)
        #expect(serve.aeTitle == "CLOUD")
        #expect(serve.aeConfig == "ae.json")
        #expect(serve.dicomARTIMTimeout == 1.5)
        #expect(serve.dicomMaxPDU == 65536)
    }

    @Test func serveRefusesABadAETitle() {
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["serve", "--ae-title", "MUCH_TOO_LONG_AE_TITLE"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["serve", "--dicom-port", "70000"]) }
    }

    @Test func parsesEchoAndSend() throws {
        let echo = try #require(try YingyunCommand.parseAsRoot(["echo", "pacs", "104", "--aet", "ME", "--aec", "PACS"]) as? EchoCommand)
        #expect(echo.host == "pacs")
        #expect(echo.port == 104)
        #expect(echo.callingAETitle == "ME")
        #expect(echo.calledAETitle == "PACS")
        let send = try #require(try YingyunCommand.parseAsRoot(["send", "pacs", "104", "a.dcm", "dir", "--quiet"]) as? SendCommand)
        #expect(send.paths == ["a.dcm", "dir"])
        #expect(send.quiet)
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["send", "pacs", "104"]) }
    }
}
