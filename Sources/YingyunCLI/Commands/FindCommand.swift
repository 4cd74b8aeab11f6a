import ArgumentParser
import Foundation
import YingyunDICOM
import YingyunNetwork

/// `yingyun find HOST PORT -k Key=Value...`: C-FIND SCU for operators (PS3.4 C.4.1) — one line
/// per match, `Keyword=value` for every returned key. `--repeat N` sends the same query N times
/// on one association (as dcmtk findscu does), for timing a server without process start-up.
struct FindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "Query a DICOM peer with C-FIND (study or patient root).")

    @OptionGroup var peer: PeerOptions
    @Option(name: [.customShort("k"), .customLong("key")],
            help: "Matching or return key: Keyword=value, gggg,eeee=value, or Keyword alone (return key).")
    var keys: [String] = []
    @Option(help: "Query/Retrieve Level when no -k QueryRetrieveLevel=... is given.") var level = "STUDY"
    @Option(help: "Information model: study or patient (root).") var model = "study"
    @Option(help: "Specific Character Set asked for the answers.") var charset = "ISO_IR 192"
    @Option(help: "Send the query this many times on one association.") var `repeat` = 1
    @Flag(name: [.customShort("q"), .long], help: "Only the summary line (on stderr).") var quiet = false

    func validate() throws {
        guard ["study", "patient"].contains(model) else { throw ValidationError("--model is study or patient") }
        guard self.repeat >= 1 else { throw ValidationError("--repeat is at least 1") }
        _ = try identifier()
    }

    /// The identifier from `-k` options: each key's VR from the data dictionary.
    func identifier() throws -> DataSet {
        var elements: [Tag: DataElement] = [:]
        func put(_ tag: Tag, _ value: String) throws {
            guard let entry = DataDictionary.entry(for: tag) else { throw ValidationError("no dictionary entry for \(tag)") }
            if entry.vr == .SQ {
                guard value.isEmpty else { throw ValidationError("\(entry.keyword) is a sequence: give it without a value") }
                elements[tag] = DataElement(tag: tag, items: [])
            } else {
                elements[tag] = DataElement(tag: tag, vr: entry.vr, strings: value.isEmpty ? [] : [value])
            }
        }
        try put(.specificCharacterSet, charset)
        try put(.queryRetrieveLevel, level)
        for key in keys {
            let (name, value) = key.firstIndex(of: "=").map { (String(key[..<$0]), String(key[key.index(after: $0)...])) } ?? (key, "")
            guard let tag = Self.tag(name) else { throw ValidationError("unknown key \(name)") }
            try put(tag, value)
        }
        return DataSet(elements.values.sorted { $0.tag < $1.tag })
    }

    static func tag(_ name: String) -> Tag? {
        if let t = DataDictionary.tag(forKeyword: name) { return t }
        let parts = name.split(separator: ",")
        guard parts.count == 2, let g = UInt16(parts[0], radix: 16), let e = UInt16(parts[1], radix: 16) else { return nil }
        return Tag(g, e)
    }

    func run() async throws {
        let identifier = try identifier()
        let queryModel: QueryRetrieveModel = model == "patient" ? .patientRoot : .studyRoot
        let request = AssociateRequest(
            calledAETitle: peer.calledAETitle, callingAETitle: peer.callingAETitle,
            presentationContexts: [
                ProposedPresentationContext(
                    id: 1, abstractSyntax: queryModel.rawValue, transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])
            ],
            userInformation: UserInformation())
        let clock = ContinuousClock()
        let start = clock.now
        let times = self.repeat
        let outcome: (matches: [DataSet], status: DIMSEStatus)
        do {
            outcome = try await DIMSEClient.withAssociation(host: peer.host, port: peer.port, request: request) { association in
                var last: (matches: [DataSet], status: DIMSEStatus) = ([], .processingFailure)
                for _ in 0..<times { last = try await association.find(model: queryModel, identifier: identifier) }
                return last
            }
        } catch {
            printError("find: \(error)")
            throw ExitCode(1)
        }
        let elapsed = clock.now - start
        if !quiet {
            for match in outcome.matches { print(Self.line(match)) }
        }
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        printError(String(format: "C-FIND %@:%d %@: %d matches, status %@; %d quer%@ in %.1f ms",
                          peer.host, peer.port, peer.calledAETitle, outcome.matches.count, "\(outcome.status)", times, times == 1 ? "y" : "ies", ms))
        if outcome.status.category == .failure { throw ExitCode(1) }
    }

    /// `Keyword=value` for each element, tab-separated, text decoded in the answer's character set.
    static func line(_ match: DataSet) -> String {
        let characterSet = SpecificCharacterSet(element: match[.specificCharacterSet])
        var fields: [String] = []
        for e in match.elements where e.tag != .specificCharacterSet {
            let keyword = DataDictionary.entry(for: e.tag)?.keyword ?? "\(e.tag)"
            if e.vr == .SQ { fields.append("\(keyword)=(\(e.items?.count ?? 0) items)"); continue }
            let value = e.stringValues(characterSet: characterSet).joined(separator: "\\")
            fields.append("\(keyword)=\(value)")
        }
        return fields.joined(separator: "\t")
    }
}
