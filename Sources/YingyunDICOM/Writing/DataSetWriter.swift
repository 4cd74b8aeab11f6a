public import NIOCore

/// Encodes a `DataSet` in a little-endian transfer syntax (PS3.5 §7), streaming the output.
///
/// Supported: Implicit VR Little Endian, Explicit VR Little Endian, Deflated Explicit VR Little
/// Endian (raw deflate of the explicit VR LE encoding, PS3.5 §A.5), and the encapsulated syntaxes
/// (every compressed one), whose data set is framed as Explicit VR Little Endian with the pixel
/// data encapsulated (PS3.5 §A.4). Explicit VR Big Endian (retired) is not written.
///
/// Encoding rules, chosen to be conformant for any input (STYLE §6):
/// - Values are padded to even length with `VR.paddingByte` (PS3.5 §7.1.1): space for text,
///   NUL for UI and binary. The `length` stored in a `DataElement` is ignored; lengths are recomputed.
/// - Sequences and items are written with undefined length and delimitation items
///   (PS3.5 §7.5.2). This needs no size pre-computation, so nesting and streaming cost nothing,
///   and every reader must accept it.
/// - A sequence held by a UN element keeps its VR; its items are encoded in Implicit VR Little
///   Endian, as PS3.5 §6.2.2 requires for UN of undefined length.
/// - Group length elements (gggg,0000) present in the data set (retired outside group 0002,
///   PS3.5 §7.2) are kept and their value recomputed for the transfer syntax written, so they are
///   always correct; none are added.
/// - Encapsulated pixel data is written with undefined length: the Basic Offset Table item, one item
///   per fragment (padded to even length), then the Sequence Delimitation Item (PS3.5 §A.4).
/// - A value too long for its length field throws `DICOMWriteError.Code.valueTooLong`; nothing is
///   silently re-encoded as UN.
///
/// `.bulkData` values and fragments are copied from the caller's byte source in chunks;
/// big-endian references are swapped to little endian per the VR's value size.
public struct DataSetWriter: Sendable {
    /// Default largest chunk handed to the sink: 1 MiB.
    public static let defaultChunkSize = 1 << 20

    /// The transfer syntax the data set is encoded in.
    public let transferSyntax: TransferSyntax
    /// Largest number of bytes handed to the sink at once.
    public let chunkSize: Int

    /// - Parameters:
    ///   - transferSyntax: a little-endian transfer syntax.
    ///   - chunkSize: largest chunk handed to the sink; at least 64 bytes.
    /// - Throws: `DICOMWriteError` (`.unsupportedTransferSyntax`) for big-endian syntaxes (and
    ///   combinations no standard syntax has: implicit VR with encapsulation or deflate).
    public init(
        transferSyntax: TransferSyntax = .explicitVRLittleEndian, chunkSize: Int = DataSetWriter.defaultChunkSize
    ) throws {
        precondition(chunkSize >= 64, "chunkSize must be at least 64 bytes")
        guard transferSyntax.isLittleEndian,
            transferSyntax.isExplicitVR || !(transferSyntax.isEncapsulated || transferSyntax.isDeflated),
            !(transferSyntax.isDeflated && transferSyntax.isEncapsulated)
        else {
            throw DICOMWriteError(
                code: .unsupportedTransferSyntax, tag: nil,
                message: "cannot write transfer syntax \(transferSyntax.uid): only little-endian syntaxes")
        }
        self.transferSyntax = transferSyntax
        // Whole multiples of 8 so that byte-swapped bulk data never splits a value across chunks.
        self.chunkSize = chunkSize & ~7
    }

    /// Writes `dataSet` to `sink` in chunks of at most `chunkSize` bytes.
    ///
    /// - Parameters:
    ///   - dataSet: the data set; it must not contain file meta (0002) or command (0000) elements.
    ///   - bulkDataSource: where `.bulkData` values and encapsulated fragments are read from (the
    ///     source the data set was parsed from); may be nil when the data set has none.
    ///   - sink: receives the encoded bytes in order.
    /// - Throws: `DICOMWriteError` when the data set cannot be written conformantly; errors from
    ///   `sink` or `bulkDataSource` unchanged. Bytes already passed to `sink` are then incomplete.
    public func write(
        _ dataSet: DataSet, bulkDataSource: (any ByteSource)? = nil, to sink: (ByteBuffer) throws -> Void
    ) throws {
        guard transferSyntax.isDeflated else {
            try withoutActuallyEscaping(sink) { sink in
                var out = ChunkedOutput(chunkSize: chunkSize, sink: sink)
                try write(dataSet, part: .dataSet, bulkDataSource: bulkDataSource, into: &out)
                try out.flush()
            }
            return
        }
        try validate(dataSet, part: .dataSet, bulkDataSource: bulkDataSource)
        let deflater = try Deflater(chunkSize: chunkSize)
        try withoutActuallyEscaping(sink) { sink in
            var out = ChunkedOutput(chunkSize: chunkSize) { try deflater.compress($0, to: sink) }
            try write(dataSet, part: .dataSet, bulkDataSource: bulkDataSource, into: &out)
            try out.flush()
            try deflater.finish(to: sink)
        }
    }

    /// Encodes `dataSet` into one buffer: for small data sets and tests.
    ///
    /// - Parameters:
    ///   - dataSet: the data set.
    ///   - bulkDataSource: where `.bulkData` values and encapsulated fragments are read from.
    /// - Returns: the encoded data set.
    /// - Throws: as `write(_:bulkDataSource:to:)`.
    public func write(_ dataSet: DataSet, bulkDataSource: (any ByteSource)? = nil) throws -> ByteBuffer {
        var result = ByteBuffer()
        guard !transferSyntax.isDeflated else {
            try write(dataSet, bulkDataSource: bulkDataSource) { chunk in
                var chunk = chunk
                result.writeBuffer(&chunk)
            }
            return result
        }
        // Measuring validates, and gives the size: one buffer of exactly that, handed over whole
        // (C-FIND answers and other small data sets are written by the hundred).
        let context = context(bulkDataSource)
        let length = try encodedLength(of: dataSet, part: .dataSet, context: context)
        try withoutActuallyEscaping({ (chunk: ByteBuffer) in
            if result.readableBytes == 0 {
                result = chunk
            } else {
                var chunk = chunk
                result.writeBuffer(&chunk)
            }
        }) { sink in
            var out = ChunkedOutput(chunkSize: max(length, 1), initialCapacity: length, sink: sink)
            try writeDataSet(dataSet, part: .dataSet, context: context, into: &out)
            try out.flush()
        }
        return result
    }

    /// The number of bytes `write` produces for `dataSet`, without reading any bulk data; for a
    /// deflated syntax, the length before deflation.
    ///
    /// - Parameter dataSet: the data set.
    /// - Returns: the encoded length in bytes.
    /// - Throws: `DICOMWriteError` when the data set cannot be written.
    public func encodedLength(of dataSet: DataSet) throws -> Int {
        let context = EncodingContext(explicitVR: transferSyntax.isExplicitVR, source: nil, checksSource: false)
        return try encodedLength(of: dataSet, part: .dataSet, context: context)
    }

    /// Which part of a file a data set is: decides the tags allowed in it.
    enum Part {
        /// The File Meta Information: group 0002 only.
        case fileMeta
        /// The data set proper, at the top level.
        case dataSet
        /// A sequence item.
        case item
    }

    /// Writes `dataSet` into `out` (used by `Part10Writer` to share one output).
    func write(
        _ dataSet: DataSet, part: Part, bulkDataSource: (any ByteSource)?, into out: inout ChunkedOutput
    ) throws {
        try validate(dataSet, part: part, bulkDataSource: bulkDataSource)
        try writeDataSet(dataSet, part: part, context: context(bulkDataSource), into: &out)
    }

    /// Checks everything `write` checks, without writing (no I/O besides the source's size), so that a
    /// data set that cannot be written fails before its first byte reaches the sink.
    func validate(_ dataSet: DataSet, part: Part, bulkDataSource: (any ByteSource)?) throws {
        _ = try encodedLength(of: dataSet, part: part, context: context(bulkDataSource))
    }

    private func context(_ source: (any ByteSource)?) -> EncodingContext {
        EncodingContext(explicitVR: transferSyntax.isExplicitVR, source: source, checksSource: true)
    }
}

/// What element encoding needs besides the element: the VR form in force and the bulk source.
struct EncodingContext {
    /// Explicit VR in force; false inside the items of a UN sequence (PS3.5 §6.2.2).
    var explicitVR: Bool
    var source: (any ByteSource)?
    /// Whether measuring checks that bulk references lie inside `source` (false for `encodedLength`).
    var checksSource: Bool
}
