public import NIOCore
import YingyunDICOM

/// A DIMSE command set: group 0000 elements, always Implicit VR Little Endian (PS3.7 §6.3.1,
/// §9.3). Values are kept as raw bytes by element number; typed accessors read and write them.
public struct CommandSet: Sendable, Equatable {
    /// Element number (the group is 0000) → value bytes (even length).
    public private(set) var values: [UInt16: [UInt8]] = [:]

    public init() {}

    /// Command elements of PS3.7 §E.1 used here.
    public enum Element {
        public static let commandGroupLength: UInt16 = 0x0000
        public static let affectedSOPClassUID: UInt16 = 0x0002
        public static let requestedSOPClassUID: UInt16 = 0x0003
        public static let commandField: UInt16 = 0x0100
        public static let messageID: UInt16 = 0x0110
        public static let messageIDBeingRespondedTo: UInt16 = 0x0120
        public static let moveDestination: UInt16 = 0x0600
        public static let priority: UInt16 = 0x0700
        public static let commandDataSetType: UInt16 = 0x0800
        public static let status: UInt16 = 0x0900
        public static let offendingElement: UInt16 = 0x0901
        public static let errorComment: UInt16 = 0x0902
        public static let errorID: UInt16 = 0x0903
        public static let affectedSOPInstanceUID: UInt16 = 0x1000
        public static let requestedSOPInstanceUID: UInt16 = 0x1001
        public static let moveOriginatorApplicationEntityTitle: UInt16 = 0x1030
        public static let moveOriginatorMessageID: UInt16 = 0x1031
    }

    /// Command Data Set Type value meaning "no data set" (PS3.7 §E.1); any other value means one follows.
    public static let noDataSet: UInt16 = 0x0101

    // MARK: raw access

    public subscript(element: UInt16) -> [UInt8]? {
        get { values[element] }
        set { values[element] = newValue }
    }

    public func uint16(_ element: UInt16) -> UInt16? {
        guard let v = values[element], v.count == 2 else { return nil }
        return UInt16(v[0]) | UInt16(v[1]) << 8
    }

    public mutating func setUInt16(_ element: UInt16, _ value: UInt16) {
        values[element] = [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    /// A text value (UI, AE, LO) without its padding.
    public func string(_ element: UInt16) -> String? {
        guard let v = values[element] else { return nil }
        return trimUID(trimAE(String(decoding: v, as: UTF8.self)))
    }

    /// Sets a text value padded to even length: NUL for UI, space otherwise (PS3.5 §6.2).
    public mutating func setString(_ element: UInt16, _ value: String, isUID: Bool) {
        var bytes = Array(value.utf8)
        if bytes.count % 2 == 1 { bytes.append(isUID ? 0 : 0x20) }
        values[element] = bytes
    }

    // MARK: typed fields

    public var commandField: CommandField? { uint16(Element.commandField).map(CommandField.init(rawValue:)) }
    public var messageID: UInt16? { uint16(Element.messageID) }
    public var messageIDBeingRespondedTo: UInt16? { uint16(Element.messageIDBeingRespondedTo) }
    public var affectedSOPClassUID: String? { string(Element.affectedSOPClassUID) }
    public var affectedSOPInstanceUID: String? { string(Element.affectedSOPInstanceUID) }
    public var moveOriginatorApplicationEntityTitle: String? { string(Element.moveOriginatorApplicationEntityTitle) }
    public var status: DIMSEStatus? { uint16(Element.status).map(DIMSEStatus.init(rawValue:)) }
    public var errorComment: String? { string(Element.errorComment) }
    /// True unless Command Data Set Type is 0x0101.
    public var hasDataSet: Bool { uint16(Element.commandDataSetType).map { $0 != Self.noDataSet } ?? false }

    // MARK: builders

    /// A request: command field, message ID, affected SOP class (and instance), data set flag.
    public static func request(
        _ field: CommandField, messageID: UInt16, affectedSOPClassUID: String, affectedSOPInstanceUID: String? = nil,
        priority: UInt16? = nil, hasDataSet: Bool
    ) -> CommandSet {
        var c = CommandSet()
        c.setString(Element.affectedSOPClassUID, affectedSOPClassUID, isUID: true)
        c.setUInt16(Element.commandField, field.rawValue)
        c.setUInt16(Element.messageID, messageID)
        if let priority { c.setUInt16(Element.priority, priority) }
        c.setUInt16(Element.commandDataSetType, hasDataSet ? 0x0000 : noDataSet)
        if let affectedSOPInstanceUID { c.setString(Element.affectedSOPInstanceUID, affectedSOPInstanceUID, isUID: true) }
        return c
    }

    /// The response to `request` with `status`; no data set.
    public static func response(
        to request: CommandSet, status: DIMSEStatus, errorComment: String? = nil, hasDataSet: Bool = false
    ) -> CommandSet {
        var c = CommandSet()
        let field = request.commandField ?? CommandField(rawValue: 0)
        if let uid = request.affectedSOPClassUID { c.setString(Element.affectedSOPClassUID, uid, isUID: true) }
        c.setUInt16(Element.commandField, field.response.rawValue)
        c.setUInt16(Element.messageIDBeingRespondedTo, request.messageID ?? 0)
        // 0x0102: what dcmtk sends for "a data set follows"; any value but 0x0101 means that.
        c.setUInt16(Element.commandDataSetType, hasDataSet ? 0x0102 : noDataSet)
        c.setUInt16(Element.status, status.rawValue)
        if let errorComment, status.category != .success {
            // LO: at most 64 characters.
            c.setString(Element.errorComment, String(errorComment.prefix(64)), isUID: false)
        }
        if let uid = request.affectedSOPInstanceUID { c.setString(Element.affectedSOPInstanceUID, uid, isUID: true) }
        return c
    }

    // MARK: coding

    /// Implicit VR Little Endian, elements in ascending order, group length first and recomputed.
    public func encoded() -> ByteBuffer {
        var out = ByteBuffer()
        let sorted = values.filter { $0.key != Element.commandGroupLength }.sorted { $0.key < $1.key }
        let groupLength = sorted.reduce(0) { $0 + 8 + $1.value.count }
        out.writeInteger(UInt16(0), endianness: .little)
        out.writeInteger(Element.commandGroupLength, endianness: .little)
        out.writeInteger(UInt32(4), endianness: .little)
        out.writeInteger(UInt32(groupLength), endianness: .little)
        for (element, value) in sorted {
            out.writeInteger(UInt16(0), endianness: .little)
            out.writeInteger(element, endianness: .little)
            out.writeInteger(UInt32(value.count), endianness: .little)
            out.writeBytes(value)
        }
        return out
    }

    /// Decodes a whole command set.
    /// - Throws: `DIMSEError` (`.malformedCommand`) for an element outside group 0000, a length
    ///   that runs past the end, or a missing Command Field.
    public static func decode(_ buffer: ByteBuffer) throws(DIMSEError) -> CommandSet {
        var b = buffer
        var c = CommandSet()
        while b.readableBytes > 0 {
            let at = b.readerIndex - buffer.readerIndex
            guard let group = b.readInteger(endianness: .little, as: UInt16.self),
                let element = b.readInteger(endianness: .little, as: UInt16.self),
                let length = b.readInteger(endianness: .little, as: UInt32.self)
            else {
                throw DIMSEError(.malformedCommand, "command element header cut short at offset \(at)")
            }
            guard group == 0x0000 else {
                throw DIMSEError(.malformedCommand, "element \(Tag(group, element)) in a command set at offset \(at)")
            }
            guard length != 0xFFFF_FFFF, let value = b.readBytes(length: Int(length)) else {
                throw DIMSEError(.malformedCommand, "command element (0000,\(String(element, radix: 16))) length \(length) runs past the command at offset \(at)")
            }
            c.values[element] = value
        }
        guard c.commandField != nil else {
            throw DIMSEError(.malformedCommand, "command set without a Command Field (0000,0100)")
        }
        return c
    }
}
