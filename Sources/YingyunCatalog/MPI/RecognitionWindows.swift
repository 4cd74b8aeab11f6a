public import Foundation

/// How long an exam counts for mutual recognition, per exam item. No national rule fixes one
/// number, so each region configures it (JSON):
///
///     {"defaultDays": 30,
///      "items": [{"modality": "CT", "bodyPart": "CHEST", "days": 90},
///                {"procedureCode": "XR-CHEST-PA", "days": 180},
///                {"modality": "MR", "days": 60}]}
///
/// The most specific item wins: procedure code, then modality + body part, then modality alone.
public struct RecognitionWindows: Sendable, Hashable, Codable {
    public struct Item: Sendable, Hashable, Codable {
        public var modality: String?
        public var bodyPart: String?
        public var procedureCode: String?
        public var days: Int

        public init(modality: String? = nil, bodyPart: String? = nil, procedureCode: String? = nil, days: Int) {
            self.modality = modality
            self.bodyPart = bodyPart
            self.procedureCode = procedureCode
            self.days = days
        }
    }

    public var defaultDays: Int
    public var items: [Item]

    public init(defaultDays: Int = 30, items: [Item] = []) {
        self.defaultDays = defaultDays
        self.items = items
    }

    /// Reads the JSON form.
    /// - Throws: `MPIError.invalidRequest` when it is not valid, or a window is negative or an
    ///   item names neither a modality nor a procedure code.
    public init(json: Data) throws(MPIError) {
        let decoded: RecognitionWindows
        do {
            decoded = try JSONDecoder().decode(RecognitionWindows.self, from: json)
        } catch {
            throw .invalidRequest("recognition windows: \(error)")
        }
        guard decoded.defaultDays >= 0, decoded.items.allSatisfy({ $0.days >= 0 }) else {
            throw .invalidRequest("recognition windows: days must not be negative")
        }
        guard decoded.items.allSatisfy({ $0.modality != nil || $0.procedureCode != nil }) else {
            throw .invalidRequest("recognition windows: each item names a modality or a procedure code")
        }
        self = decoded
    }

    /// The window for a study with these modalities, body parts and procedure codes: the most
    /// specific matching item (the longest window among equally specific ones), else the default.
    public func window(modalities: [String], bodyParts: [String], procedureCodes: [String]) -> (item: String, days: Int) {
        let upperParts = Set(bodyParts.map { $0.uppercased() })
        var best: (rank: Int, item: String, days: Int)?
        for item in items {
            var rank = 0
            var label = ""
            if let code = item.procedureCode {
                guard procedureCodes.contains(code) else { continue }
                rank = 3
                label = "procedure:" + code
            } else if let m = item.modality {
                guard modalities.contains(m.uppercased()) || modalities.contains(m) else { continue }
                if let part = item.bodyPart {
                    guard upperParts.contains(part.uppercased()) else { continue }
                    rank = 2
                    label = m + "/" + part
                } else {
                    rank = 1
                    label = m
                }
            }
            if best == nil || rank > best!.rank || (rank == best!.rank && item.days > best!.days) {
                best = (rank, label, item.days)
            }
        }
        if let best { return (best.item, best.days) }
        return ("default", defaultDays)
    }
}
