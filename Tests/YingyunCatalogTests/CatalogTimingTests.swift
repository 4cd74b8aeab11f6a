import Foundation
import Testing
import YingyunCatalog
import YingyunDICOM

/// Timings for the report, not assertions: run with YINGYUN_CATALOG_BENCH=1.
/// 2,000 studies × 3 instances (+ one 200-instance study) in a real WAL file, then a QIDO page
/// of 100 studies and a 200-instance listing, each the median of repeated runs.
@Suite struct CatalogTimingTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["YINGYUN_CATALOG_BENCH"] != nil))
    func searchTimings() async throws {
        let dir = try TemporaryDirectory()
        // YINGYUN_CATALOG_BENCH=/some/file.sqlite keeps the database for EXPLAIN QUERY PLAN.
        let keep = ProcessInfo.processInfo.environment["YINGYUN_CATALOG_BENCH"].flatMap { $0.hasSuffix(".sqlite") ? $0 : nil }
        if let keep { try? FileManager.default.removeItem(atPath: keep) }
        let c = try SQLiteCatalog(path: keep ?? dir.path("catalog.sqlite"))
        let clock = ContinuousClock()
        var n = 0
        let insert = try await clock.measure {
            for s in 0..<2000 {
                for k in 0..<3 {
                    var i = TestInstance(study: "2.25.\(s)", series: "2.25.\(s).1", sop: "2.25.\(s).1.\(k)",
                                         patientID: "P\(s % 700)")
                    i.patientName = s % 2 == 0 ? "Zhang^Wei\(s)=张^伟" : "Li^Na\(s)"
                    i.studyDate = String(format: "2024%02d%02d", s % 12 + 1, s % 28 + 1)
                    i.instanceNumber = k + 1
                    i.modality = s % 3 == 0 ? "MR" : "CT"
                    _ = try await c.register(i.record(), onConflict: .reject)
                    n += 1
                }
            }
            for k in 0..<200 {
                var i = TestInstance(study: "2.25.big", series: "2.25.big.\(k % 4)", sop: "2.25.big.\(k % 4).\(k)")
                i.seriesNumber = k % 4 + 1
                i.instanceNumber = k
                _ = try await c.register(i.record(frames: [[1000..<2000]]), onConflict: .reject)
                n += 1
            }
        }
        func median(_ runs: Int, _ body: () async throws -> Void) async rethrows -> Duration {
            var times = [Duration]()
            for _ in 0..<runs { times.append(try await clock.measure { try await body() }) }
            return times.sorted()[runs / 2]
        }
        var count = 0
        let page = try await median(51) {
            count = try await c.search(CatalogQuery(level: .study, limit: 100)).matches.count
        }
        #expect(count == 100)
        let filtered = try await median(51) {
            count = try await c.search(
                CatalogQuery(level: .study, matchKeys: [(tag: .patientName, value: "zhang*"),
                                                        (tag: .studyDate, value: "20240301-20240630")], limit: 100)).matches.count
        }
        let listing = try await median(51) {
            count = try await c.instances(studyInstanceUID: "2.25.big", seriesInstanceUID: nil, sopInstanceUID: nil).count
        }
        #expect(count == 200)
        let qidoInstances = try await median(51) {
            count = try await c.search(CatalogQuery(level: .instance, studyInstanceUID: "2.25.big")).matches.count
        }
        #expect(count == 200)
        print("""
            catalog timing: \(n) registers in \(insert) (\(insert / n) each)
              QIDO /studies limit=100 of 2001: \(page)
              QIDO /studies PatientName=zhang* & StudyDate range, limit=100: \(filtered)
              instances(study) 200 rows: \(listing)
              QIDO /studies/{uid}/instances 200 rows: \(qidoInstances)
            """)
    }
}
