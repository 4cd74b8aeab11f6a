import NIOCore

extension UserInformation {
    /// Decodes the sub-items of a user information item (PS3.7 Annex D.3.3).
    static func decode(_ reader: ItemReader) throws(UpperLayerError) -> UserInformation {
        var reader = reader
        var info = UserInformation()
        while reader.remaining > 0 {
            let (type, at, raw) = try reader.item()
            var value = raw
            switch type {
            case ItemType.maximumLength:
                guard value.readableBytes == 4, let v = value.readInteger(endianness: .big, as: UInt32.self) else {
                    throw UpperLayerError(.lengthMismatch, offset: at, "maximum length sub-item of \(value.readableBytes) bytes, must be 4")
                }
                info.maximumLength = v
            case ItemType.implementationClassUID:
                info.implementationClassUID = trimUID(value.readString(length: value.readableBytes) ?? "")
            case ItemType.implementationVersionName:
                info.implementationVersionName = trimAE(value.readString(length: value.readableBytes) ?? "")
            case ItemType.asynchronousOperationsWindow:
                guard value.readableBytes == 4, let i = value.readInteger(endianness: .big, as: UInt16.self),
                    let p = value.readInteger(endianness: .big, as: UInt16.self)
                else {
                    throw UpperLayerError(.lengthMismatch, offset: at, "asynchronous operations window sub-item of \(value.readableBytes) bytes, must be 4")
                }
                info.asynchronousOperationsWindow = .init(maximumInvoked: i, maximumPerformed: p)
            case ItemType.roleSelection:
                guard let n = value.readInteger(endianness: .big, as: UInt16.self),
                    let uid = value.readString(length: Int(n)),
                    let scu = value.readInteger(as: UInt8.self), let scp = value.readInteger(as: UInt8.self),
                    value.readableBytes == 0
                else {
                    throw UpperLayerError(.malformedItem, offset: at, "SCP/SCU role selection sub-item with inconsistent lengths")
                }
                info.roleSelections.append(.init(sopClassUID: trimUID(uid), scuRole: scu == 1, scpRole: scp == 1))
            default:
                // Extended negotiation, user identity and unknown sub-items: kept, not interpreted.
                info.opaqueItems.append(.init(type: type, value: value.readBytes(length: value.readableBytes) ?? []))
            }
        }
        return info
    }

    /// Appends the user information item (type 0x50) to `out`.
    func encode(into out: inout ByteBuffer) {
        out.writeItem(ItemType.userInformation) { out in
            if let maximumLength {
                out.writeItem(ItemType.maximumLength) { $0.writeInteger(maximumLength, endianness: .big) }
            }
            if let implementationClassUID {
                out.writeItem(ItemType.implementationClassUID) { $0.writeString(implementationClassUID) }
            }
            if let w = asynchronousOperationsWindow {
                out.writeItem(ItemType.asynchronousOperationsWindow) {
                    $0.writeInteger(w.maximumInvoked, endianness: .big)
                    $0.writeInteger(w.maximumPerformed, endianness: .big)
                }
            }
            for r in roleSelections {
                out.writeItem(ItemType.roleSelection) {
                    $0.writeInteger(UInt16(r.sopClassUID.utf8.count), endianness: .big)
                    $0.writeString(r.sopClassUID)
                    $0.writeInteger(UInt8(r.scuRole ? 1 : 0))
                    $0.writeInteger(UInt8(r.scpRole ? 1 : 0))
                }
            }
            if let implementationVersionName {
                out.writeItem(ItemType.implementationVersionName) { $0.writeString(implementationVersionName) }
            }
            for item in opaqueItems {
                out.writeItem(item.type) { $0.writeBytes(item.value) }
            }
        }
    }
}

extension ByteBuffer {
    /// Writes type, reserved, a 16-bit length filled in afterwards, and the value `body` writes.
    mutating func writeItem(_ type: UInt8, _ body: (inout ByteBuffer) -> Void) {
        writeInteger(type)
        writeInteger(UInt8(0))
        let lengthAt = writerIndex
        writeInteger(UInt16(0))
        let start = writerIndex
        body(&self)
        setInteger(UInt16(writerIndex - start), at: lengthAt, endianness: .big)
    }
}
