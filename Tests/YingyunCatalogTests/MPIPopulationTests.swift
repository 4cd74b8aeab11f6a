import Foundation
import Testing
import YingyunCatalog

/// Correctness on a generated multi-hospital population: every true pair linked, zero false
/// links, look-alikes and unlinked identities in the review queue, conflicts and invalid
/// identifiers recorded.
@Suite struct MPIPopulationTests {
    @Test(arguments: [false, true])
    func everyTruePairLinkedAndNoFalseLink(fileCatalog: Bool) async throws {
        let population = MPIPopulation(people: 300)
        let dir = try TemporaryDirectory()
        let c = fileCatalog ? try SQLiteCatalog(path: dir.path("catalog.sqlite")) : try SQLiteCatalog.inMemory()
        // Batches, as STOW-RS registers them (one transaction per batch).
        var i = 0
        while i < population.instances.count {
            let batch = population.instances[i..<min(i + 37, population.instances.count)].map { $0.record() }
            let results = try await c.register(batch, onConflict: .reject)
            #expect(results.allSatisfy { if case .success(.stored) = $0 { true } else { false } })
            i += 37
        }

        var masterOf: [PatientIdentifier: String] = [:]
        for identity in population.identities {
            masterOf[identity.id] = try await c.masterPatient(identifiedBy: identity.id).id
        }
        // Zero false links: each master holds one person only.
        var people: [String: Set<Int>] = [:]
        for identity in population.identities { people[masterOf[identity.id]!, default: []].insert(identity.person) }
        let falseLinks = people.values.filter { $0.count > 1 }
        #expect(falseLinks.isEmpty, "masters holding several people: \(falseLinks.count)")
        // Every true pair linked: a person's identities with a valid national ID share one master.
        var trustedMasters: [Int: Set<String>] = [:]
        for identity in population.identities where identity.kind == "trusted" {
            trustedMasters[identity.person, default: []].insert(masterOf[identity.id]!)
        }
        let split = trustedMasters.filter { $0.value.count > 1 }
        #expect(split.isEmpty, "people split over several masters: \(split.count)")
        // Untrusted and invalid visits are never linked automatically...
        let unlinked = population.identities.filter { $0.kind != "trusted" }
        #expect(!unlinked.isEmpty)
        for identity in unlinked {
            #expect(!(trustedMasters[identity.person] ?? []).contains(masterOf[identity.id]!))
        }
        // ...but each is in the review queue with one of the person's other identities.
        let queue = try await c.reviewQueue(limit: 1000)
        let pairs = Set(queue.candidates.map { Set([$0.first.identifier, $0.second.identifier]) })
        for identity in unlinked {
            let partners = population.identities.filter { $0.person == identity.person && $0 != identity }
            #expect(partners.contains { pairs.contains([identity.id, $0.id]) }, "\(identity.kind) identity not in review")
        }
        // Look-alikes: separate masters, in the review queue, flagged.
        #expect(population.lookalikes.count == 30)
        for (a, b) in population.lookalikes {
            #expect(masterOf[a.id] != masterOf[b.id])
            let candidate = queue.candidates.first { Set([$0.first.identifier, $0.second.identifier]) == [a.id, b.id] }
            #expect(candidate?.reasons.contains("different-trusted-identifiers") == true)
        }
        // Conflicts recorded; invalid identifiers reported.
        let conflicts = try await c.identityConflicts()
        for identity in population.conflicts {
            #expect(conflicts.contains { $0.patientID == identity.id.value && $0.issuer == identity.id.authority })
        }
        let invalid = population.identities.filter { $0.kind == "invalid" }
        #expect(!invalid.isEmpty)
        for identity in invalid {
            #expect(queue.identifierIssues.contains { $0.localIdentity == identity.id && $0.status == "invalid" })
        }
        // QIDO by any linked identifier finds the person's studies at every hospital.
        let someone = population.identities.first { $0.kind == "trusted" && $0.person == 0 }!
        var q = CatalogQuery(level: .study)
        q.linkedIdentifier = someone.id
        let found = try await c.search(q).matches.count
        let expected = population.instances.filter { inst in
            population.identities.contains { $0.person == 0 && $0.kind == "trusted" && $0.id.value == inst.patientID }
        }.count
        #expect(found == expected && found >= 3)
    }
}
