import ArgumentParser
import Testing
import YingyunCatalog

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

    @Test func parsesServeWithDefaults() throws {
        let serve = try #require(try YingyunCommand.parseAsRoot(["serve"]) as? ServeCommand)
        #expect(serve.host == "127.0.0.1")
        #expect(serve.httpPort == 8080)
        #expect(serve.options.data == "./yingyun-data")
        #expect(serve.options.onConflict == "reject")
        #expect(try serve.options.identityPolicy().trustedIssuers == ["NNCHN"])
    }

    @Test func parsesIdentityOptions() throws {
        let serve = try #require(try YingyunCommand.parseAsRoot([
            "serve", "--data", "/d", "--http-port", "9000", "--trusted-issuer", "NNCHN", "--trusted-issuer", "HEALTHCARD",
            "--default-issuer", "HTTP:10.0.0.5=HOSP-A", "--default-issuer", "IMPORT=HOSP-B",
        ]) as? ServeCommand)
        let policy = try serve.options.identityPolicy()
        #expect(policy.trustedIssuers == ["NNCHN", "HEALTHCARD"])
        #expect(policy.defaultIssuerBySource == ["HTTP:10.0.0.5": "HOSP-A", "IMPORT": "HOSP-B"])
        let bad = try #require(try YingyunCommand.parseAsRoot(["serve", "--default-issuer", "HOSP-A"]) as? ServeCommand)
        #expect(throws: (any Error).self) { try bad.options.identityPolicy() }
    }

    @Test func parsesImportAndVerify() throws {
        let imp = try #require(try YingyunCommand.parseAsRoot(["import", "a", "b", "--data", "/d", "--quiet"]) as? ImportCommand)
        #expect(imp.paths == ["a", "b"])
        #expect(imp.quiet)
        let verify = try #require(try YingyunCommand.parseAsRoot(["verify", "--data", "/d"]) as? VerifyCommand)
        #expect(verify.options.data == "/d")
    }

    @Test func rejectsBadArguments() {
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["dump"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["json", "a.dcm", "--charset", "bogus"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["nonsense"]) }
    }
}
