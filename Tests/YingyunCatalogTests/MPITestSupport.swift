import GRDB
@testable import YingyunCatalog

/// Valid GB 11643-1999 numbers for tests (check character computed by `ResidentIdentityNumber`).
func residentID(_ first17: String) -> String {
    first17 + String(ResidentIdentityNumber.checkCharacter(Substring(first17))!)
}

let operatorAction = OperatorAction(operatorName: "dr.li", reason: "verified at the desk")

extension SQLiteCatalog {
    /// Every row the identity operations may touch, as text, for exact before/after comparisons.
    func identitySnapshot() async throws -> [String] {
        try await writer.read { db in
            var out: [String] = []
            for (table, columns) in [
                ("master_patient", "id, merged_into"),
                ("local_identity", "id, patient_id, issuer, master_id, link_rule, link_operator, link_reason, linked_at"),
                ("trusted_identifier", "id, issuer, value, master_id, local_identity_id"),
                ("study", "id, uid, master_id, local_identity_id"),
            ] {
                for row in try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table) ORDER BY id") {
                    out.append(table + ": " + row.description)
                }
            }
            return out
        }
    }
}
