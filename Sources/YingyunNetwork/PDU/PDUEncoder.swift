public import NIOCore

/// Encodes PDUs to bytes (PS3.8 §9.3). Pure.
public enum PDUEncoder {
    /// Appends `pdu` to `out`.
    public static func encode(_ pdu: PDU, into out: inout ByteBuffer) {
        out.writeInteger(pdu.type.rawValue)
        out.writeInteger(UInt8(0))
        let lengthAt = out.writerIndex
        out.writeInteger(UInt32(0))
        let start = out.writerIndex
        switch pdu {
        case .associateRQ(let rq):
            writeAssociateHeader(rq.protocolVersion, rq.calledAETitle, rq.callingAETitle, rq.applicationContextName, &out)
            for pc in rq.presentationContexts {
                out.writeItem(ItemType.presentationContextRQ) { out in
                    out.writeBytes([pc.id, 0, 0, 0])
                    out.writeItem(ItemType.abstractSyntax) { $0.writeString(pc.abstractSyntax) }
                    for ts in pc.transferSyntaxes {
                        out.writeItem(ItemType.transferSyntax) { $0.writeString(ts) }
                    }
                }
            }
            rq.userInformation.encode(into: &out)
        case .associateAC(let ac):
            writeAssociateHeader(ac.protocolVersion, ac.calledAETitle, ac.callingAETitle, ac.applicationContextName, &out)
            for pc in ac.presentationContexts {
                out.writeItem(ItemType.presentationContextAC) { out in
                    out.writeBytes([pc.id, 0, pc.result.rawValue, 0])
                    out.writeItem(ItemType.transferSyntax) { $0.writeString(pc.transferSyntax) }
                }
            }
            ac.userInformation.encode(into: &out)
        case .associateRJ(let rj):
            out.writeBytes([0, rj.result.rawValue, rj.source, rj.reason])
        case .pData(let p):
            for pdv in p.values {
                var fragment = pdv.fragment
                out.writeInteger(UInt32(fragment.readableBytes + 2), endianness: .big)
                out.writeInteger(pdv.presentationContextID)
                out.writeInteger(pdv.messageControlHeader)
                out.writeBuffer(&fragment)
            }
        case .releaseRQ, .releaseRP:
            out.writeInteger(UInt32(0))
        case .abort(let a):
            out.writeBytes([0, 0, a.source, a.reason])
        }
        out.setInteger(UInt32(out.writerIndex - start), at: lengthAt, endianness: .big)
    }

    /// The bytes of one PDU.
    public static func encode(_ pdu: PDU) -> ByteBuffer {
        var out = ByteBuffer()
        encode(pdu, into: &out)
        return out
    }

    static func writeAssociateHeader(_ version: UInt16, _ called: String, _ calling: String, _ context: String, _ out: inout ByteBuffer) {
        out.writeInteger(version, endianness: .big)
        out.writeInteger(UInt16(0))
        out.writeBytes(paddedAE(called))
        out.writeBytes(paddedAE(calling))
        out.writeRepeatingByte(0, count: 32)
        out.writeItem(ItemType.applicationContext) { $0.writeString(context) }
    }

    /// 16 bytes, space padded (longer titles are cut: the caller validates them).
    static func paddedAE(_ title: String) -> [UInt8] {
        var bytes = Array(title.utf8.prefix(16))
        bytes.append(contentsOf: repeatElement(0x20, count: 16 - bytes.count))
        return bytes
    }
}
