public import NIOCore

/// Decodes PDUs from bytes (PS3.8 §9.3). Pure: no I/O, no state beyond its limits.
///
/// `decode(from:)` returns nil while the buffer holds less than one whole PDU, and throws an
/// `UpperLayerError` (with the offset of the problem) as soon as the header alone shows the PDU
/// cannot be valid: unknown type, or a length beyond the limits. Lengths inside the PDU are
/// checked against their enclosing item, so a lying length never reads past the PDU.
public struct PDUDecoder: Sendable {
    /// Largest P-DATA-TF PDU accepted: the maximum length we announced (PS3.8 §D.1).
    public var maximumPDataLength: Int
    /// Largest A-ASSOCIATE-RQ/AC accepted (they hold at most 128 contexts of a few UIDs each).
    public var maximumAssociateLength: Int

    public init(maximumPDataLength: Int, maximumAssociateLength: Int = 1 << 20) {
        self.maximumPDataLength = maximumPDataLength
        self.maximumAssociateLength = maximumAssociateLength
    }

    /// Consumes one PDU from `buffer` if it holds a whole one.
    /// - Parameter buffer: received bytes; the reader index moves past the PDU on success.
    /// - Returns: the PDU, or nil when more bytes are needed.
    /// - Throws: `UpperLayerError` (the buffer is then left where it was).
    public func decode(from buffer: inout ByteBuffer) throws(UpperLayerError) -> PDU? {
        guard let typeByte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        guard let type = PDUType(rawValue: typeByte) else {
            throw UpperLayerError(.unknownPDUType, offset: 0, "PDU type 0x\(String(typeByte, radix: 16))")
        }
        guard let length = buffer.getInteger(at: buffer.readerIndex + 2, endianness: .big, as: UInt32.self) else {
            return nil
        }
        let limit: Int
        switch type {
        case .pDataTF: limit = maximumPDataLength
        case .associateRQ, .associateAC: limit = maximumAssociateLength
        case .associateRJ, .releaseRQ, .releaseRP, .abort: limit = 4
        }
        if type == .associateRJ || type == .releaseRQ || type == .releaseRP || type == .abort, length != 4 {
            throw UpperLayerError(.lengthMismatch, offset: 2, "\(type) PDU length \(length), must be 4")
        }
        guard Int(length) <= limit else {
            throw UpperLayerError(.pduTooLarge, offset: 2, "\(type) PDU length \(length) exceeds the maximum \(limit)")
        }
        guard buffer.readableBytes >= 6 + Int(length) else { return nil }
        guard var body = buffer.getSlice(at: buffer.readerIndex + 6, length: Int(length)) else { return nil }
        let pdu = try Self.decodeBody(type, &body)
        buffer.moveReaderIndex(forwardBy: 6 + Int(length))
        return pdu
    }

    /// Decodes the variable part of a PDU whose header said `type` (offsets count from the PDU start).
    static func decodeBody(_ type: PDUType, _ body: inout ByteBuffer) throws(UpperLayerError) -> PDU {
        var reader = ItemReader(buffer: body, base: 6)
        switch type {
        case .associateRQ, .associateAC:
            return try decodeAssociate(type, &reader)
        case .associateRJ:
            let b = reader.fixed4()
            guard let result = AssociateReject.Result(rawValue: b[1]) else {
                throw UpperLayerError(.invalidValue, offset: 7, "A-ASSOCIATE-RJ result \(b[1])")
            }
            return .associateRJ(AssociateReject(result: result, source: b[2], reason: b[3]))
        case .releaseRQ: return .releaseRQ
        case .releaseRP: return .releaseRP
        case .abort:
            let b = reader.fixed4()
            return .abort(Abort(source: b[2], reason: b[3]))
        case .pDataTF:
            var values: [PresentationDataValue] = []
            while reader.remaining > 0 {
                let at = reader.offset
                guard let length = reader.buffer.readInteger(endianness: .big, as: UInt32.self) else {
                    throw UpperLayerError(.itemOverrun, offset: at, "PDV item header cut short")
                }
                guard length >= 2 else {
                    throw UpperLayerError(.malformedItem, offset: at, "PDV item length \(length) < 2")
                }
                guard Int(length) <= reader.remaining,
                    let id = reader.buffer.readInteger(as: UInt8.self),
                    let header = reader.buffer.readInteger(as: UInt8.self),
                    let fragment = reader.buffer.readSlice(length: Int(length) - 2)
                else {
                    throw UpperLayerError(.itemOverrun, offset: at, "PDV item length \(length) runs past the PDU")
                }
                guard header & 0xFC == 0 else {
                    throw UpperLayerError(.invalidValue, offset: at + 5, "message control header 0x\(String(header, radix: 16))")
                }
                values.append(PresentationDataValue(presentationContextID: id, isCommand: header & 1 != 0, isLast: header & 2 != 0, fragment: fragment))
            }
            guard !values.isEmpty else {
                throw UpperLayerError(.missingItem, offset: 6, "P-DATA-TF without a PDV item")
            }
            return .pData(PDataTF(values: values))
        }
    }

    static func decodeAssociate(_ type: PDUType, _ reader: inout ItemReader) throws(UpperLayerError) -> PDU {
        guard reader.remaining >= 68 else {
            throw UpperLayerError(.lengthMismatch, offset: 6, "\(type) PDU shorter than its 68 fixed bytes")
        }
        let version = reader.buffer.readInteger(endianness: .big, as: UInt16.self) ?? 0
        reader.buffer.moveReaderIndex(forwardBy: 2)
        let called = reader.buffer.readString(length: 16).map(trimAE) ?? ""
        let calling = reader.buffer.readString(length: 16).map(trimAE) ?? ""
        reader.buffer.moveReaderIndex(forwardBy: 32)
        var applicationContext: String?
        var proposed: [ProposedPresentationContext] = []
        var results: [PresentationContextResult] = []
        var user: UserInformation?
        while reader.remaining > 0 {
            let (itemType, at, itemValue) = try reader.item()
            var item = itemValue
            switch itemType {
            case ItemType.applicationContext:
                applicationContext = trimUID(item.readString(length: item.readableBytes) ?? "")
            case ItemType.presentationContextRQ where type == .associateRQ:
                proposed.append(try decodeProposedContext(&item, at: at))
            case ItemType.presentationContextAC where type == .associateAC:
                results.append(try decodeContextResult(&item, at: at))
            case ItemType.userInformation:
                user = try UserInformation.decode(ItemReader(buffer: item, base: at + 4))
            default:
                throw UpperLayerError(.malformedItem, offset: at, "unexpected item type 0x\(String(itemType, radix: 16)) in \(type)")
            }
        }
        guard let applicationContext else {
            throw UpperLayerError(.missingItem, offset: 74, "\(type) without an application context item")
        }
        guard let user else {
            throw UpperLayerError(.missingItem, offset: 74, "\(type) without a user information item")
        }
        if type == .associateRQ {
            guard !proposed.isEmpty else {
                throw UpperLayerError(.missingItem, offset: 74, "A-ASSOCIATE-RQ without a presentation context")
            }
            return .associateRQ(AssociateRequest(
                protocolVersion: version, calledAETitle: called, callingAETitle: calling,
                applicationContextName: applicationContext, presentationContexts: proposed, userInformation: user))
        }
        return .associateAC(AssociateAccept(
            protocolVersion: version, calledAETitle: called, callingAETitle: calling,
            applicationContextName: applicationContext, presentationContexts: results, userInformation: user))
    }

    static func decodeProposedContext(_ item: inout ByteBuffer, at: Int) throws(UpperLayerError) -> ProposedPresentationContext {
        guard let id = item.readInteger(as: UInt8.self), item.readableBytes >= 3 else {
            throw UpperLayerError(.malformedItem, offset: at, "presentation context item shorter than 4 bytes")
        }
        item.moveReaderIndex(forwardBy: 3)
        var reader = ItemReader(buffer: item, base: at + 8)
        var abstract: String?
        var transfers: [String] = []
        while reader.remaining > 0 {
            let (t, subAt, subValue) = try reader.item()
            var sub = subValue
            let uid = trimUID(sub.readString(length: sub.readableBytes) ?? "")
            switch t {
            case ItemType.abstractSyntax:
                guard abstract == nil else {
                    throw UpperLayerError(.malformedItem, offset: subAt, "second abstract syntax in presentation context \(id)")
                }
                abstract = uid
            case ItemType.transferSyntax: transfers.append(uid)
            default:
                throw UpperLayerError(.malformedItem, offset: subAt, "unexpected sub-item 0x\(String(t, radix: 16)) in presentation context \(id)")
            }
        }
        guard let abstract, !transfers.isEmpty else {
            throw UpperLayerError(.missingItem, offset: at, "presentation context \(id) without abstract or transfer syntax")
        }
        return ProposedPresentationContext(id: id, abstractSyntax: abstract, transferSyntaxes: transfers)
    }

    static func decodeContextResult(_ item: inout ByteBuffer, at: Int) throws(UpperLayerError) -> PresentationContextResult {
        guard item.readableBytes >= 4, let id = item.readInteger(as: UInt8.self) else {
            throw UpperLayerError(.malformedItem, offset: at, "presentation context item shorter than 4 bytes")
        }
        item.moveReaderIndex(forwardBy: 1)
        let raw = item.readInteger(as: UInt8.self) ?? 0xFF
        item.moveReaderIndex(forwardBy: 1)
        guard let result = PresentationContextResult.Result(rawValue: raw) else {
            throw UpperLayerError(.invalidValue, offset: at + 6, "presentation context result \(raw)")
        }
        var reader = ItemReader(buffer: item, base: at + 8)
        var transfer = ""
        while reader.remaining > 0 {
            let (t, subAt, subValue) = try reader.item()
            var sub = subValue
            guard t == ItemType.transferSyntax else {
                throw UpperLayerError(.malformedItem, offset: subAt, "unexpected sub-item 0x\(String(t, radix: 16)) in presentation context \(id)")
            }
            transfer = trimUID(sub.readString(length: sub.readableBytes) ?? "")
        }
        return PresentationContextResult(id: id, result: result, transferSyntax: transfer)
    }
}

/// Reads type–reserved–length(2)–value items inside an enclosing item, tracking PDU offsets.
struct ItemReader {
    var buffer: ByteBuffer
    /// PDU offset of `buffer`'s first byte.
    let base: Int
    let start: Int

    init(buffer: ByteBuffer, base: Int) {
        self.buffer = buffer
        self.base = base
        self.start = buffer.readerIndex
    }

    var remaining: Int { buffer.readableBytes }
    var offset: Int { base + buffer.readerIndex - start }

    /// The next item: (type, PDU offset of its header, value slice).
    mutating func item() throws(UpperLayerError) -> (UInt8, Int, ByteBuffer) {
        let at = offset
        guard let type = buffer.readInteger(as: UInt8.self), buffer.readInteger(as: UInt8.self) != nil,
            let length = buffer.readInteger(endianness: .big, as: UInt16.self)
        else {
            throw UpperLayerError(.itemOverrun, offset: at, "item header cut short")
        }
        guard let value = buffer.readSlice(length: Int(length)) else {
            throw UpperLayerError(.itemOverrun, offset: at, "item 0x\(String(type, radix: 16)) length \(length) runs past its enclosing item (\(remaining) bytes left)")
        }
        return (type, at, value)
    }

    /// The 4 bytes of a fixed-length PDU (length already checked).
    mutating func fixed4() -> [UInt8] { buffer.readBytes(length: 4) ?? [0, 0, 0, 0] }
}

/// AE titles are 16 bytes, space padded; leading and trailing spaces are not significant (PS3.5 §6.2).
/// Works on the UTF-8 bytes: trimming by Character was a quarter of a C-FIND's CPU time.
func trimAE(_ s: String) -> String {
    let u = s.utf8
    guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0 }) else { return "" }
    let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0 })!
    if first == u.startIndex && last == u.index(before: u.endIndex) { return s }
    return String(Substring(u[first...last]))
}

/// UIDs in PDU items may carry a trailing NUL (PS3.8 §9.3.2.2.1 allows even-length padding).
func trimUID(_ s: String) -> String {
    let u = s.utf8
    guard let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0 }) else { return "" }
    if last == u.index(before: u.endIndex) { return s }
    return String(Substring(u[...last]))
}
