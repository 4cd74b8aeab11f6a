public import Logging
import NIOCore
public import YingyunCatalog
public import YingyunDICOM
public import YingyunNetwork

/// C-FIND SCP over the catalog (PS3.4 Annex C): the identifier becomes the same `CatalogQuery` a
/// QIDO-RS request does (matching rules of C.2.2.2 live in the catalog); each match is cut down
/// to the keys asked for, with (0008,0052) and the character set of the answer: the requested
/// one when it is GB18030, GBK or ISO 2022 IR 58 and every value fits, else UTF-8.
public struct CatalogQueryHandler: QueryHandler {
    public let catalog: any Catalog
    public let logger: Logger
    /// At most this many matches per C-FIND.
    public var limit: Int

    public init(catalog: any Catalog, logger: Logger, limit: Int = 10_000) {
        self.catalog = catalog
        self.logger = logger
        self.limit = limit
    }

    public func find(_ request: FindRequest) async throws -> [DataSet] {
        let identifier = request.identifier
        let characterSet = SpecificCharacterSet(element: identifier[.specificCharacterSet])
        guard let levelText = identifier[.queryRetrieveLevel]?.stringValue(characterSet: .default),
            let level = QueryLevel(rawValue: UID.trimmed(levelText))
        else {
            throw StoreRefusal(.identifierDoesNotMatchSOPClass, "missing or unknown QueryRetrieveLevel")
        }
        if request.model == .studyRoot && level == .patient {
            throw StoreRefusal(.identifierDoesNotMatchSOPClass, "PATIENT level is not in the study root model")
        }
        var keys: [(tag: Tag, value: String)] = []
        var requested: [DataElement] = []
        for e in identifier.elements {
            let t = e.tag
            if t == .queryRetrieveLevel || t == .specificCharacterSet || t.group == 0x0002 || t.isGroupLength { continue }
            requested.append(e)
            // Sequence matching (C.2.2.2.6) is not supported: the sequence is only returned.
            if e.vr == .SQ { continue }
            keys.append((t, e.stringValue(characterSet: characterSet) ?? ""))
        }
        let query = CatalogQuery(level: level, matchKeys: keys, limit: limit)
        let result: CatalogSearchResult
        do {
            result = try await catalog.search(query)
        } catch CatalogError.invalidQuery(let m) {
            throw StoreRefusal(.identifierDoesNotMatchSOPClass, String(m.prefix(64)))
        } catch {
            logger.error("C-FIND catalog search failed", metadata: ["error": "\(error)"])
            throw StoreRefusal(.outOfResources, "catalog unavailable")
        }
        let answerSet = AnswerCharacterSet(requested: characterSet)
        var answers: [DataSet] = []
        var seen = Set<[UInt8]>()
        let head = [
            DataElement(tag: .specificCharacterSet, vr: .CS, strings: ["ISO_IR 192"]),
            DataElement(tag: .queryRetrieveLevel, vr: .CS, strings: [level.rawValue]),
        ]
        answers.reserveCapacity(result.matches.count)
        for match in result.matches {
            var elements = head
            elements.reserveCapacity(head.count + requested.count)
            for e in requested {
                if let found = match[e.tag], e.vr != .SQ || found.vr == .SQ {
                    elements.append(found)
                } else if e.vr == .SQ {
                    elements.append(DataElement(tag: e.tag, items: []))
                } else {
                    // Asked for, unknown here: returned empty (PS3.4 C.2.2.1.3).
                    elements.append(DataElement(tag: e.tag, vr: e.vr, bytes: ByteBuffer()))
                }
            }
            if let answerSet {
                // All or nothing: one answer declares one character set.
                let encoded = elements.dropFirst().map { answerSet.encode($0) }
                if encoded.allSatisfy({ $0 != nil }) {
                    elements = [DataElement(tag: .specificCharacterSet, vr: .CS, strings: answerSet.terms)] + encoded.map { $0! }
                }
            }
            let answer = DataSet(elements)
            if level == .patient {
                // The catalog answers patient queries per study: one answer per distinct patient.
                var key: [UInt8] = []
                for e in elements.dropFirst(2) {
                    if let b = e.bytes { key += b.readableBytesView }
                    key += [0, 0]
                }
                guard seen.insert(key).inserted else { continue }
            }
            answers.append(answer)
        }
        logger.info("C-FIND answered", metadata: [
            "dimse.calling_ae": "\(request.callingAETitle)", "dimse.level": "\(level.rawValue)", "dimse.matches": "\(answers.count)",
        ])
        return answers
    }
}
