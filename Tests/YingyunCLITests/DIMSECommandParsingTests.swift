import ArgumentParser
import Testing
import YingyunDICOM

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
        #expect(echo.peer.host == "pacs")
        #expect(echo.peer.port == 104)
        #expect(echo.peer.callingAETitle == "ME")
        #expect(echo.peer.calledAETitle == "PACS")
        let send = try #require(try YingyunCommand.parseAsRoot(["send", "pacs", "104", "a.dcm", "dir", "--quiet"]) as? SendCommand)
        #expect(send.peer.host == "pacs")
        #expect(send.paths == ["a.dcm", "dir"])
        #expect(send.quiet)
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["send", "pacs", "104"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["echo", "pacs", "104", "--aet", "MUCH_TOO_LONG_AE_TITLE"]) }
    }

    @Test func parsesFind() throws {
        let find = try #require(try YingyunCommand.parseAsRoot([
            "find", "pacs", "104", "--aec", "PACS", "-k", "PatientName=李*", "-k", "StudyDate", "-k", "0020,000D=1.2.3",
            "--repeat", "3", "-q",
        ]) as? FindCommand)
        #expect(find.peer.calledAETitle == "PACS")
        #expect(find.repeat == 3)
        #expect(find.quiet)
        let identifier = try find.identifier()
        #expect(identifier[.queryRetrieveLevel]?.stringValue(characterSet: .default) == "STUDY")
        #expect(identifier[.patientName]?.vr == .PN)
        #expect(identifier[.studyDate] != nil)  // a return key: present, empty
        #expect((identifier[.studyDate]?.stringValue(characterSet: .default) ?? "").isEmpty)
        #expect(identifier[.studyInstanceUID]?.vr == .UI)
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["find", "pacs", "104", "-k", "NoSuchKeyword=1"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["find", "pacs", "104", "--model", "worklist"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["find", "pacs", "104", "--repeat", "0"]) }
    }
}
