import GRDB
import YingyunDICOM

/// A `CatalogQuery` compiled once into SQL (one statement for the page, one for the total) and
/// the list of attributes each match returns. Runs as two cached statements: no N+1 queries.
struct SearchPlan: Sendable {
    let sql: String
    let countSQL: String?
    let arguments: [DatabaseValue]
    let pageArguments: [DatabaseValue]
    /// Returned attributes in ascending tag order; column i of the SELECT is `returned[i]`.
    let returned: [CatalogAttribute]
    let unsupportedKeys: [Tag]
    let offset: Int

    init(_ query: CatalogQuery) throws {
        let level: QueryLevel = query.level == .patient ? .study : query.level
        var conditions = [String]()
        var arguments = [DatabaseValue]()
        var unsupported = [Tag]()
        var returnedTags = Set<Tag>()

        if let uid = query.studyInstanceUID {
            conditions.append("st.uid = ?")
            arguments.append(uid.databaseValue)
        }
        if let uid = query.seriesInstanceUID, level != .study {
            conditions.append("se.uid = ?")
            arguments.append(uid.databaseValue)
        }
        if let master = query.masterPatientID {
            // An id that is not one of ours matches nothing rather than everything.
            conditions.append("st.master_id = ?")
            arguments.append((Int64(master) ?? -1).databaseValue)
        }
        if let id = query.linkedIdentifier {
            // Resolved inside the statement (indexed lookups), so the answer follows links at once.
            conditions.append("""
                st.master_id IN (SELECT master_id FROM local_identity WHERE patient_id = ? AND issuer = ?
                                 UNION SELECT master_id FROM trusted_identifier WHERE issuer = ? AND value = ?)
                """)
            arguments += [id.value, id.authority, id.authority, id.value].map(\.databaseValue)
        }
        for key in query.matchKeys {
            if key.tag == .specificCharacterSet { continue }
            guard let attribute = CatalogAttribute.lookup(key.tag, from: level) else {
                unsupported.append(key.tag)
                continue
            }
            returnedTags.insert(attribute.tag)
            if attribute.matching == .none {
                if !key.value.trimmingSpaces.isEmpty { unsupported.append(key.tag) }
                continue
            }
            if let p = try MatchingPredicate.make(attribute, value: key.value, fuzzy: query.fuzzyMatching) {
                conditions.append(p.sql)
                arguments.append(contentsOf: p.arguments)
            }
        }

        // What each match carries (PS3.18 §10.6.3.3): the level's required attributes, those of
        // the levels above when the URL does not fix them, the matched keys, includefield.
        returnedTags.formUnion(CatalogAttribute.required(at: level))
        switch level {
        case .patient, .study: break
        case .series:
            returnedTags.insert(.studyInstanceUID)
            if query.studyInstanceUID == nil { returnedTags.formUnion(CatalogAttribute.required(at: .study)) }
        case .instance:
            returnedTags.formUnion([.studyInstanceUID, .seriesInstanceUID])
            if query.studyInstanceUID == nil { returnedTags.formUnion(CatalogAttribute.required(at: .study)) }
            if query.seriesInstanceUID == nil { returnedTags.formUnion(CatalogAttribute.required(at: .series)) }
        }
        returnedTags.formUnion(query.includeFields)
        var returned = [CatalogAttribute]()
        var seen = Set<Tag>()
        if query.includeAll {
            for l in CatalogAttribute.visibleLevels(from: level) {
                for a in CatalogAttribute.attributes(at: l) where seen.insert(a.tag).inserted { returned.append(a) }
            }
        }
        for tag in returnedTags where !seen.contains(tag) {
            if let a = CatalogAttribute.lookup(tag, from: level) {
                seen.insert(tag)
                returned.append(a)
            }
        }
        returned.sort { $0.tag < $1.tag }

        let from: String
        let order: String
        switch level {
        case .patient, .study:
            from = "study st"
            order = "st.study_date DESC, st.uid"
        case .series:
            from = "series se JOIN study st ON st.id = se.study_id"
            order = "st.study_date DESC, st.uid, se.series_number IS NULL, se.series_number, se.uid"
        case .instance:
            from = "instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id"
            order = """
                st.study_date DESC, st.uid, se.series_number IS NULL, se.series_number, se.uid,
                i.instance_number IS NULL, i.instance_number, i.sop_instance_uid
                """
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let columns = returned.map(\.column).joined(separator: ", ")
        self.sql = "SELECT \(columns) FROM \(from)\(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?"
        let paged = query.limit != nil || query.offset > 0
        self.countSQL = paged ? "SELECT COUNT(*) FROM \(from)\(whereClause)" : nil
        self.arguments = arguments
        self.pageArguments = arguments + [(query.limit ?? -1).databaseValue, max(0, query.offset).databaseValue]
        self.returned = returned
        self.unsupportedKeys = unsupported
        self.offset = max(0, query.offset)
    }

    func run(_ db: Database) throws -> CatalogSearchResult {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(pageArguments))
        let builder = ResultBuilder(returned)
        var matches = [DataSet]()
        while let row = try cursor.next() { matches.append(builder.dataSet(row)) }
        let total: Int?
        if let countSQL {
            total = try Int.fetchOne(db.cachedStatement(sql: countSQL), arguments: StatementArguments(arguments))
        } else {
            total = matches.count
        }
        return CatalogSearchResult(matches: matches, unsupportedKeys: unsupportedKeys, totalBeforeLimit: total)
    }
}
