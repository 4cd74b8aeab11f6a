import ArgumentParser
import Foundation
import YingyunCatalog

/// `yingyun mpi …`: the patient master index for operators, on the data directory's catalog.
/// Answers are JSON on stdout (the same shapes as the /mpi HTTP API); refusals are one line on
/// stderr and exit status 2, with nothing changed.
struct MPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpi",
        abstract: "Patient master index: find, link, unlink, merge, unmerge, review, priors, audit.",
        subcommands: [
            Find.self, Link.self, Unlink.self, Merge.self, Unmerge.self, Review.self, Reject.self, Priors.self, Audit.self,
            Bench.self,
        ])

    /// Who does a change and why (both recorded in the audit trail).
    struct OperatorOptions: ParsableArguments {
        @Option(name: .customLong("operator"), help: "Operator name recorded in the audit trail.")
        var operatorName: String
        @Option(help: "Why (recorded in the audit trail).")
        var reason: String

        var action: OperatorAction { OperatorAction(operatorName: operatorName, reason: reason) }
    }

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find a master patient by identifier (AUTHORITY|VALUE), by master id, or by demographics.")
        @OptionGroup var options: DataDirectoryOptions
        @Argument(help: "AUTHORITY|VALUE, or a master id with --master.") var key: String?
        @Flag(help: "The argument is a master patient id.") var master = false
        @Option(help: "Name (any component group; trailing * for a prefix).") var name: String?
        @Option(name: .customLong("birth-date"), help: "YYYYMMDD.") var birthDate: String?
        @Option(help: "M, F or O.") var sex: String?
        @Option(help: "At most this many masters (1-100).") var limit = 20

        func run() async throws {
            try await MPICommand.guarded(options) { index in
                if let key {
                    if master { return MPICommand.json(try await index.masterPatient(id: key)) }
                    return MPICommand.json(try await index.masterPatient(identifiedBy: try PatientIdentifier(parsing: key)))
                }
                return MPICommand.json(try await index.searchMasterPatients(
                    DemographicQuery(name: name, birthDate: birthDate, sex: sex, limit: limit)))
            }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Link a local identity (AUTHORITY|PATIENTID) to a master.")
        @OptionGroup var options: DataDirectoryOptions
        @OptionGroup var who: OperatorOptions
        @Argument var identifier: String
        @Argument(help: "Master patient id.") var master: String

        func run() async throws {
            try await MPICommand.guarded(options) { index in
                MPICommand.json(try await index.link(try PatientIdentifier(parsing: identifier), to: master, by: who.action))
            }
        }
    }

    struct Unlink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Undo a local identity's link (or give it its own master).")
        @OptionGroup var options: DataDirectoryOptions
        @OptionGroup var who: OperatorOptions
        @Argument var identifier: String

        func run() async throws {
            try await MPICommand.guarded(options) { index in
                MPICommand.json(try await index.unlink(try PatientIdentifier(parsing: identifier), by: who.action))
            }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Merge master SOURCE into master TARGET (all studies move).")
        @OptionGroup var options: DataDirectoryOptions
        @OptionGroup var who: OperatorOptions
        @Argument var source: String
        @Argument var target: String

        func run() async throws {
            try await MPICommand.guarded(options) { index in
                MPICommand.json(try await index.merge(source, into: target, by: who.action))
            }
        }
    }

    struct Unmerge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reverse the latest merge of master SOURCE.")
        @OptionGroup var options: DataDirectoryOptions
        @OptionGroup var who: OperatorOptions
        @Argument var source: String

        func run() async throws {
            try await MPICommand.guarded(options) { index in
                MPICommand.json(try await index.unmerge(source, by: who.action))
            }
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The review queue: candidate pairs, conflicts, invalid identifiers.")
        @OptionGroup var options: DataDirectoryOptions
        @Option var limit = 100

        func run() async throws {
            try await MPICommand.guarded(options) { index in MPICommand.json(try await index.reviewQueue(limit: limit)) }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a review candidate as two different people.")
        @OptionGroup var options: DataDirectoryOptions
        @OptionGroup var who: OperatorOptions
        @Argument var candidate: Int64

        func run() async throws {
            try await MPICommand.guarded(options) { index in
                MPICommand.json(try await index.rejectCandidate(candidate, by: who.action))
            }
        }
    }

    struct Priors: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prior studies of a patient at every hospital, with recognition-window flags.")
        @OptionGroup var options: DataDirectoryOptions
        @Argument(help: "AUTHORITY|VALUE, or a master id with --master.") var key: String
        @Flag(help: "The argument is a master patient id.") var master = false
        @Option(help: "Modality (repeatable).") var modality: [String] = []
        @Option(name: .customLong("body-part"), help: "Body Part Examined (repeatable).") var bodyPart: [String] = []
        @Option(name: .customLong("procedure-code"), help: "Procedure code (repeatable).") var procedureCode: [String] = []
        @Option(name: .customLong("lookback"), help: "Only the last N days.") var lookBack: Int?
        @Option(name: .customLong("recognition-windows"), help: "JSON file of recognition windows.") var windows: String?
        @Option var limit = 100

        func run() async throws {
            let w = try windows.map { try RecognitionWindows(contentsOf: $0) } ?? RecognitionWindows()
            try await MPICommand.guarded(options) { index in
                let q = PriorStudyQuery(
                    masterPatientID: master ? key : nil, identifier: master ? nil : try PatientIdentifier(parsing: key),
                    modalities: modality, bodyParts: bodyPart, procedureCodes: procedureCode, lookBackDays: lookBack,
                    limit: limit)
                return MPICommand.json(try await index.priorStudies(q, windows: w))
            }
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The MPI audit trail, newest first.")
        @OptionGroup var options: DataDirectoryOptions
        @Option var limit = 100

        func run() async throws {
            try await MPICommand.guarded(options) { index in MPICommand.json(try await index.auditTrail(limit: limit)) }
        }
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Opens the catalog, runs `body`, prints its answer; an `MPIError` becomes one stderr line and exit 2.
    static func guarded(_ options: DataDirectoryOptions, _ body: (SQLiteCatalog) async throws -> String) async throws {
        let path = options.data + "/catalog.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("yingyun mpi: no catalog at \(path)\n".utf8))
            throw ExitCode(2)
        }
        do {
            let catalog = try SQLiteCatalog(path: path, policy: try options.identityPolicy())
            print(try await body(catalog))
        } catch let e as MPIError {
            FileHandle.standardError.write(Data("yingyun mpi: \(e.code): \(e)\n".utf8))
            throw ExitCode(2)
        }
    }
}

extension RecognitionWindows {
    /// Reads the JSON configuration file.
    init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read recognition windows from \(path)")
        }
        try self.init(json: data)
    }
}
