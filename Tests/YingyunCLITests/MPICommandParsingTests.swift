import ArgumentParser
import Testing
import YingyunCatalog

@testable import YingyunCLI

@Suite struct MPICommandParsingTests {
    @Test func parsesMergeWithOperatorAndReason() throws {
        let merge = try #require(try YingyunCommand.parseAsRoot([
            "mpi", "merge", "12", "7", "--operator", "dr.li", "--reason", "same person", "--data", "/d",
        ]) as? MPICommand.Merge)
        #expect(merge.source == "12" && merge.target == "7")
        #expect(merge.who.action.operatorName == "dr.li" && merge.who.action.reason == "same person")
        #expect(merge.options.data == "/d")
    }

    @Test func changesNeedOperatorAndReason() {
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["mpi", "link", "HOSP-A|1", "7"]) }
        #expect(throws: (any Error).self) { try YingyunCommand.parseAsRoot(["mpi", "unmerge", "7", "--operator", "x"]) }
    }

    @Test func parsesPriorsFilters() throws {
        let priors = try #require(try YingyunCommand.parseAsRoot([
            "mpi", "priors", "HOSP-B|B-1", "--modality", "CT", "--body-part", "CHEST", "--lookback", "30",
        ]) as? MPICommand.Priors)
        #expect(priors.key == "HOSP-B|B-1" && priors.modality == ["CT"] && priors.bodyPart == ["CHEST"])
        #expect(priors.lookBack == 30 && !priors.master)
    }

    @Test func identifierTypesAndLinkingSwitch() throws {
        let serve = try #require(try YingyunCommand.parseAsRoot([
            "serve", "--trusted-issuer", "NNCHN", "--trusted-issuer", "EHC", "--identifier-type", "EHC=health-card",
            "--no-linking", "--recognition-windows", "/etc/w.json",
        ]) as? ServeCommand)
        let policy = try serve.options.identityPolicy()
        #expect(policy.identifierTypes["EHC"] == .healthCard)
        #expect(policy.identifierTypes["NNCHN"] == .residentIdentityNumber)
        #expect(!policy.linking)
        #expect(serve.recognitionWindows == "/etc/w.json")
        let bad = try #require(try YingyunCommand.parseAsRoot(["serve", "--identifier-type", "EHC=crc"]) as? ServeCommand)
        #expect(throws: (any Error).self) { try bad.options.identityPolicy() }
    }
}
