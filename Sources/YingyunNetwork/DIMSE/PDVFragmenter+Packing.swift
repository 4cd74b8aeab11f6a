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

    /// Packs messages into P-DATA-TF PDUs: a P-DATA-TF carries one or more PDV items (PS3.8
    /// §9.3.5), so a small message's command and data set share one PDU (a C-FIND pending
    /// response: one PDU, not two). A PDU never holds fragments of two messages: pynetdicom drops
    /// the PDVs that follow a completed message in the same PDU, and dcmtk stops reading too.
    /// A fragment that fits in an empty PDU is not split across two; longer ones fill PDUs up to
    /// the limit.
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
            if let d = m.dataSet { add(d, contextID: m.contextID, isCommand: false) }
            flush()
        }
        return out
    }
}
