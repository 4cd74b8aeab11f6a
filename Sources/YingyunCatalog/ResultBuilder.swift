import GRDB
import NIOCore
import YingyunDICOM

/// Writes one result row into a DataSet: VRs from the data dictionary, text in UTF-8 (hence
/// SpecificCharacterSet "ISO_IR 192" in every match), values padded to even length (PS3.5 §6.2).
/// Attributes without a value are returned empty, as PS3.4 C.2.2.1 does for return keys.
struct ResultBuilder {
    let returned: [CatalogAttribute]

    init(_ returned: [CatalogAttribute]) { self.returned = returned }

    static let characterSet = element(.specificCharacterSet, .CS, text: "ISO_IR 192")

    func dataSet(_ row: Row) -> DataSet {
        var elements = [DataElement]()
        elements.reserveCapacity(returned.count + 1)
        elements.append(ResultBuilder.characterSet)
        var nested: [Tag: [DataElement]] = [:]
        for (index, attribute) in returned.enumerated() {
            let value: DatabaseValue = row[index]
            let e = ResultBuilder.element(attribute, value)
            if let sq = attribute.sequence {
                if !value.isNull { nested[sq, default: []].append(e) }
            } else {
                elements.append(e)
            }
        }
        for (sq, items) in nested { elements.append(DataElement(tag: sq, items: [DataSet(items)])) }
        return DataSet(elements)
    }

    static func element(_ attribute: CatalogAttribute, _ value: DatabaseValue) -> DataElement {
        let vr = attribute.vr
        switch value.storage {
        case .null:
            return DataElement(tag: attribute.tag, vr: vr, bytes: ByteBuffer())
        case .int64(let n):
            switch vr {
            case .US, .SS:
                var b = ByteBuffer()
                b.writeInteger(UInt16(truncatingIfNeeded: n), endianness: .little)
                return DataElement(tag: attribute.tag, vr: vr, bytes: b)
            case .UL, .SL:
                var b = ByteBuffer()
                b.writeInteger(UInt32(truncatingIfNeeded: n), endianness: .little)
                return DataElement(tag: attribute.tag, vr: vr, bytes: b)
            default:
                return element(attribute.tag, vr, text: String(n))
            }
        case .double(let d):
            return element(attribute.tag, vr, text: String(d))
        case .string(let s):
            return element(attribute.tag, vr, text: s)
        case .blob:
            return DataElement(tag: attribute.tag, vr: vr, bytes: ByteBuffer())
        }
    }

    static func element(_ tag: Tag, _ vr: VR, text: String) -> DataElement {
        DataElement(tag: tag, vr: vr, strings: [text])
    }
}
