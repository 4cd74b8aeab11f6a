public import NIOCore

extension PDVFragmenter {
    /// One whole DIMSE message to pack: its command and, if any, its data set.
    public struct Message: Sendable {
        public var contextID: UInt8
        public var command: ByteBuffer
        public var dataSet: ByteBuffer?
        public init(contextID: UInt8, command: ByteBuffer, dataSet: ByteBuffer?) {
            self.contextID = contextID
            self.command = command
            self.dataSet = dataSet
        }
    }

    /// Cuts messages into P-DATA-TF PDUs, to be written together. A P-DATA-TF may carry several
    /// PDV items (PS3.8 §9.3.5), but a PDU here never holds fragments of two messages (pynetdicom
    /// drops the PDVs that follow a completed message in the same PDU, dcmtk stops reading), nor
    /// a command and its data set (`DIMSEAssociation` and other requestors read the command from
    /// one PDU and expect the data set in the next) — what dcmtk and pynetdicom send themselves.
    /// - Returns: the PDUs in order; each message's command and data set end with "last" fragments.
    public func packed(_ messages: [Message]) -> [PDataTF] {
        let limit = maximumFragment + 6
        var out: [PDataTF] = []
        var values: [PresentationDataValue] = []
        var size = 0
        func flush() {
            if !values.isEmpty { out.append(PDataTF(values: values)) }
            values = []
            size = 0
        }
        func add(_ bytes: ByteBuffer, contextID: UInt8, isCommand: Bool) {
            var rest = bytes
            repeat {
                if !values.isEmpty && (size + 6 >= limit || (size + 6 + rest.readableBytes > limit && rest.readableBytes <= maximumFragment)) {
                    flush()
                }
                let n = min(rest.readableBytes, limit - size - 6)
                let fragment = rest.readSlice(length: n) ?? ByteBuffer()
                values.append(PresentationDataValue(
                    presentationContextID: contextID, isCommand: isCommand, isLast: rest.readableBytes == 0, fragment: fragment))
                size += 6 + n
            } while rest.readableBytes > 0
        }
        for m in messages {
            add(m.command, contextID: m.contextID, isCommand: true)
            flush()
            if let d = m.dataSet {
                add(d, contextID: m.contextID, isCommand: false)
                flush()
            }
        }
        return out
    }
}
