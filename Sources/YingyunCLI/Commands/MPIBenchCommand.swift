import ArgumentParser
import Foundation
import YingyunCatalog
import YingyunDICOM

extension MPICommand {
    /// `yingyun mpi bench`: in-process timings on a data directory's catalog (tools/bench/mpi_bench.sh
    /// builds the 1 M-patient catalog and the identifier sample): identifier lookup, prior-study
    /// lookup, and catalog registration with linking on and off, interleaved batch by batch so
    /// both modes see the same database state (medians of the batch rates; the review-candidate
    /// searches linking queues are scored after the rounds and timed apart).
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure MPI lookups and ingest with linking on/off in-process (adds rows to the catalog).")
        @OptionGroup var options: DataDirectoryOptions
        @Option(help: "File of AUTHORITY|VALUE|NATIONAL-ID|BIRTHDATE lines to look up.") var identifiers: String
        @Option(help: "Lookups per kind.") var samples = 2000
        @Option(name: .customLong("ingest-rounds"), help: "Batches per mode (0: skip the ingest measurement).")
        var ingestRounds = 20
        @Option(name: .customLong("batch-patients"), help: "Patients per batch.") var batchPatients = 10
        @Option(name: .customLong("instances-per-patient"), help: "Instances of each patient's new study (1: every instance a new identity).")
        var instancesPerPatient = 5
        @Flag(inversion: .prefixedNo, help: "Prewarm the writers' caches before the ingest rounds, as `yingyun serve` does.")
        var prewarm = true
        @Flag(name: .customLong("profile-sql"), help: "Print the time each SQL statement took during the ingest rounds, linking on and off.")
        var profileSQL = false

        func run() async throws {
            guard let text = try? String(contentsOfFile: identifiers, encoding: .utf8) else {
                throw ValidationError("cannot read \(identifiers)")
            }
            let lines = text.split(separator: "\n").map { $0.split(separator: "|").map(String.init) }.filter { $0.count >= 4 }
            guard !lines.isEmpty else { throw ValidationError("no AUTHORITY|VALUE|NATIONAL-ID|BIRTHDATE lines in \(identifiers)") }
            let path = options.data + "/catalog.sqlite"
            var on = try options.identityPolicy()
            on.linking = true
            let catalog = try SQLiteCatalog(path: path, policy: on, scoresCandidatesInBackground: false)
            let ids = lines.map { PatientIdentifier(authority: $0[0], value: $0[1]) }

            var lookup: [Double] = []
            for i in 0..<samples {
                let t = ContinuousClock.now
                _ = try await catalog.masterPatient(identifiedBy: ids[i % ids.count])
                lookup.append(ms(ContinuousClock.now - t))
            }
            print(Self.summary("identifier lookup (in-process)", lookup))
            let windows = RecognitionWindows(defaultDays: 30, items: [.init(modality: "CT", bodyPart: "CHEST", days: 180)])
            for (label, modalities) in [("prior-study lookup, all studies", [String]()), ("prior-study lookup, modality=CT", ["CT"])] {
                var priors: [Double] = []
                for i in 0..<samples {
                    let t = ContinuousClock.now
                    _ = try await catalog.priorStudies(
                        PriorStudyQuery(identifier: ids[(i * 7919) % ids.count], modalities: modalities, lookBackDays: 3650),
                        windows: windows)
                    priors.append(ms(ContinuousClock.now - t))
                }
                print(Self.summary(label + " (in-process)", priors))
            }
            guard ingestRounds > 0 else { return }

            var offPolicy = on
            offPolicy.linking = false
            // Linking off gets its own copy of the catalog: two writer connections on one file
            // would each find the file changed by the other before every batch and drop their
            // whole page cache (SQLite does so when the WAL changed under it), which charges
            // page reads to whichever mode touches more pages — not what a server sees.
            let offPath = options.data + "/catalog-bench-linking-off.sqlite"
            let copyStarted = ContinuousClock.now
            try catalog.checkpoint()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: offPath + suffix) }
            try FileManager.default.copyItem(atPath: path, toPath: offPath)
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: offPath + suffix) } }
            print(String(format: "copied the catalog for linking off in %.1f s", Self.seconds(ContinuousClock.now - copyStarted)))
            // Review-candidate searches are queued at ingest and scored after it: here they are
            // scored once the rounds are over, and timed apart (`yingyun serve` scores them in
            // the background).
            let off = try SQLiteCatalog(path: offPath, policy: offPolicy, scoresCandidatesInBackground: false)
            _ = try await catalog.scoreQueuedCandidateSearches()
            if prewarm {
                // As `yingyun serve` does at startup: both writers start with the pages linking
                // reads at random in their cache (see `SQLiteCatalog.prewarmLinkingPages`).
                let t = ContinuousClock.now
                try await catalog.prewarmLinkingPages()
                try await off.prewarmLinkingPages()
                print(String(format: "prewarmed both writers' caches in %.1f s", Self.seconds(ContinuousClock.now - t)))
            }
            let profiles = profileSQL ? (try await catalog.profileStatements(), try await off.profileStatements()) : nil
            var rates: [Bool: [Double]] = [true: [], false: []]
            var seconds: [Bool: Double] = [true: 0, false: 0]
            var count: [Bool: Int] = [true: 0, false: 0]
            let runID = UInt32.random(in: 0..<UInt32.max)
            var n = 0
            for round in 0..<ingestRounds {
                for linking in (round % 2 == 0 ? [true, false] : [false, true]) {
                    var records: [InstanceRecord] = []
                    for _ in 0..<batchPatients {
                        n += 1
                        // Each run its own people: earlier runs' unlinked (linking off) copies of a person
                        // would otherwise pile up as look-alikes and be rescored by every later run.
                        let person = lines[(n * 104_729 + Int(runID % 1_000_003)) % lines.count]
                        for k in 1...instancesPerPatient { records.append(Self.record(run: runID, n: n, k: k, person: person)) }
                    }
                    let c = linking ? catalog : off
                    let t = ContinuousClock.now
                    let results = try await c.register(records, onConflict: .reject)
                    let s = Self.seconds(ContinuousClock.now - t)
                    seconds[linking, default: 0] += s
                    count[linking, default: 0] += results.count
                    rates[linking]!.append(Double(results.count) / s)
                }
            }
            if let (onProfile, offProfile) = profiles {
                for (label, profile) in [("linking on", onProfile), ("linking off", offProfile)] {
                    let entries = profile.sorted
                    let total = entries.reduce(0) { $0 + $1.seconds }
                    print(String(format: "SQL during the ingest rounds, %@: %.1f ms per batch", label, total * 1000 / Double(ingestRounds)))
                    for e in entries.prefix(25) {
                        let sql = e.sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                        print(String(format: "  %8.1f µs/batch %6d× %@", e.seconds * 1e6 / Double(ingestRounds), e.count / ingestRounds, String(sql.prefix(110))))
                    }
                    profile.reset()
                }
            }
            let t = ContinuousClock.now
            let scored = try await catalog.scoreQueuedCandidateSearches()
            let scoring = Self.seconds(ContinuousClock.now - t)
            let rateOn = Double(count[true]!) / seconds[true]!
            let rateOff = Double(count[false]!) / seconds[false]!
            let medianOn = Self.median(rates[true]!)
            let medianOff = Self.median(rates[false]!)
            let paired = Self.median(zip(rates[true]!, rates[false]!).map { $0 / $1 })
            print(String(format: "ingest (catalog registration, %d-instance batches, %d rounds): median batch rate linking on %.0f inst/s, off %.0f inst/s, on/off %.3f (paired median %.3f); totals on %.0f, off %.0f inst/s, on/off %.3f",
                         batchPatients * instancesPerPatient, ingestRounds, medianOn, medianOff, medianOn / medianOff, paired, rateOn, rateOff, rateOn / rateOff))
            print(String(format: "review-candidate searches queued by the linked batches: %d scored afterwards in %.1f ms (%.3f ms each); linking on including them: %.0f inst/s, on/off %.3f",
                         scored, scoring * 1000, scored > 0 ? scoring * 1000 / Double(scored) : 0,
                         Double(count[true]!) / (seconds[true]! + scoring), Double(count[true]!) / (seconds[true]! + scoring) / rateOff))
        }

        static func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }

        static func median(_ values: [Double]) -> Double {
            let s = values.sorted()
            guard !s.isEmpty else { return 0 }
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }

        func ms(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }

        static func summary(_ label: String, _ values: [Double]) -> String {
            let s = values.sorted()
            func p(_ q: Double) -> Double { s[min(s.count - 1, Int(Double(s.count) * q))] }
            return String(format: "%@: n=%d p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms", label, s.count, p(0.5), p(0.9), p(0.99), s.last ?? 0)
        }

        /// A new visit of an existing person at a bench hospital: same national ID (linking has work
        /// to do), same birth date (the review-candidate search too).
        static func record(run: UInt32, n: Int, k: Int, person: [String]) -> InstanceRecord {
            let study = "2.25.\(run).\(n)"
            func t(_ tag: Tag, _ vr: VR, _ v: String) -> DataElement { DataElement(tag: tag, vr: vr, strings: [v]) }
            let other = DataSet([t(.patientID, .LO, person[2]), t(.issuerOfPatientID, .LO, "NNCHN")])
            let ds = DataSet([
                t(.specificCharacterSet, .CS, "ISO_IR 192"),
                t(.sopClassUID, .UI, "1.2.840.10008.5.1.4.1.1.2"), t(.sopInstanceUID, .UI, "\(study).1.\(k)"),
                t(.studyDate, .DA, "20261120"), t(.modality, .CS, "CT"), t(.institutionName, .LO, "Bench Hospital"),
                t(.patientName, .PN, "Zhang^Wei=张^伟"), t(.patientID, .LO, "BENCH-\(run)-\(n)"),
                t(.issuerOfPatientID, .LO, "HOSP-BENCH"), t(.patientBirthDate, .DA, person[3]), t(.patientSex, .CS, "M"),
                DataElement(tag: .otherPatientIDsSequence, items: [other]),
                t(.bodyPartExamined, .CS, "CHEST"), t(.studyInstanceUID, .UI, study), t(.seriesInstanceUID, .UI, "\(study).1"),
                t(.instanceNumber, .IS, "\(k)"),
            ])
            return InstanceRecord(
                dataSet: ds, transferSyntaxUID: "1.2.840.10008.1.2.1", digest: String(format: "%08x%08x%048d", run, n, k),
                size: 525_288, pixelDataOffset: 1000, frames: [[1000..<525_288]], source: "BENCH", receivedAt: Date())
        }
    }
}
