import Foundation
import YingyunCatalog

/// A multi-hospital population with planted cases (the Swift twin of tools/synth/mpi_population.py):
/// people seen at two or three hospitals under local PatientIDs sharing a national ID; a visit
/// without national ID (i % 7 == 3); a visit with a wrong check character (i % 11 == 5); a
/// look-alike (same name, birth date, sex; another national ID) for every 10th person; a later
/// study of one identity carrying someone else's national ID (i % 13 == 7).
struct MPIPopulation {
    struct Identity: Hashable {
        var id: PatientIdentifier
        var person: Int
        /// trusted, untrusted, invalid
        var kind: String
    }

    var instances: [TestInstance] = []
    var identities: [Identity] = []
    var lookalikes: [(Identity, Identity)] = []
    var conflicts: [Identity] = []

    static let families = [("Zhang", "张"), ("Wang", "王"), ("Li", "李"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨")]
    static let given = [("Wei", "伟"), ("Fang", "芳"), ("Na", "娜"), ("Qiang", "强"), ("Min", "敏"), ("Jie", "杰"), ("Jing", "静")]
    static let hospitals = ["HOSP-A", "HOSP-B", "HOSP-C", "HOSP-D"]

    init(people: Int, seed: UInt64 = 1) {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var counter = 10_000
        var twin = people
        func nationalID(_ birth: String, _ sex: String) -> String {
            var seq = next(1000)
            if (seq % 2 == 1) != (sex == "M") { seq = (seq + 1) % 1000 }
            return residentID("110101" + birth + String(format: "%03d", seq))
        }
        var persons: [(name: String, birth: String, sex: String, nid: String)] = []
        for i in 0..<people {
            let f = Self.families[next(Self.families.count)]
            let g = Self.given[next(Self.given.count)]
            let birth = String(format: "%04d%02d%02d", 1940 + next(65), 1 + next(12), 1 + next(28))
            let sex = i % 2 == 0 ? "M" : "F"
            persons.append(("\(f.0)^\(g.0)=\(f.1)^\(g.1)", birth, sex, nationalID(birth, sex)))
        }
        func visit(_ person: Int, _ p: (name: String, birth: String, sex: String, nid: String), hospital: String,
                   national: String?, kind: String, ideographicOnly: Bool = false) -> Identity {
            counter += 1
            let pid = "\(hospital.suffix(1))\(counter)"
            let n = instances.count
            let name = ideographicOnly ? "=" + (p.name.split(separator: "=").last.map(String.init) ?? p.name) : p.name
            instances.append(TestInstance(
                study: "7.\(n)", series: "7.\(n).1", sop: "7.\(n).1.1", patientID: pid, issuer: hospital,
                patientName: name, birthDate: p.birth, sex: p.sex, otherIDs: national.map { [($0, "NNCHN")] } ?? []))
            let identity = Identity(id: PatientIdentifier(authority: hospital, value: pid), person: person, kind: kind)
            identities.append(identity)
            return identity
        }
        for (i, p) in persons.enumerated() {
            let count = i % 3 == 0 ? 3 : 2
            var mine: [Identity] = []
            for k in 0..<count {
                let hospital = Self.hospitals[(i + k) % Self.hospitals.count]
                let last = k == count - 1
                if last && i % 7 == 3 {
                    mine.append(visit(i, p, hospital: hospital, national: nil, kind: "untrusted", ideographicOnly: true))
                } else if last && i % 11 == 5 {
                    let bad = String(p.nid.dropLast()) + (p.nid.last == "0" ? "1" : "0")
                    mine.append(visit(i, p, hospital: hospital, national: bad, kind: "invalid"))
                } else {
                    mine.append(visit(i, p, hospital: hospital, national: p.nid, kind: "trusted"))
                }
            }
            if i % 13 == 7 {
                let other = persons[(i + 1) % persons.count].nid
                let n = instances.count
                var again = instances.first { $0.patientID == mine[0].id.value }!
                again.study = "7.\(n)"
                again.series = "7.\(n).1"
                again.sop = "7.\(n).1.1"
                again.otherIDs = [(other, "NNCHN")]
                instances.append(again)
                conflicts.append(mine[0])
            }
            if i % 10 == 0 {
                let t = (p.name, p.birth, p.sex, nationalID(p.birth, p.sex))
                let hospital = Self.hospitals[(i + 1) % Self.hospitals.count]
                lookalikes.append((mine[0], visit(twin, t, hospital: hospital, national: t.3, kind: "trusted")))
                twin += 1
            }
        }
    }
}
