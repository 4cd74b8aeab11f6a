import Foundation
import NIOCore
import Testing
import YingyunDICOMIO

@testable import YingyunDICOM

/// The DICOM writer: exact bytes for small hand-built data sets in both VR forms, the encoding rules
/// (padding, group lengths, sequences, bulk data, encapsulation), and dcmtk/pydicom as peers that
/// must read every file we write.
@Suite struct WriterTests {
    // MARK: - Builders

    static func element(_ group: UInt16, _ number: UInt16, _ vr: VR, _ bytes: [UInt8]) -> DataElement {
        DataElement(tag: Tag(group, number), vr: vr, bytes: ByteBuffer(bytes: bytes))
    }

    static func text(_ group: UInt16, _ number: UInt16, _ vr: VR, _ value: String) -> DataElement {
        DataElement(tag: Tag(group, number), vr: vr, bytes: ByteBuffer(string: value))
    }

    static func us(_ group: UInt16, _ number: UInt16, _ value: UInt16) -> DataElement {
        element(group, number, .US, [UInt8(value & 0xFF), UInt8(value >> 8)])
    }

    static func sequence(_ group: UInt16, _ number: UInt16, _ items: [DataSet], vr: VR = .SQ) -> DataElement {
        DataElement(tag: Tag(group, number), vr: vr, length: .undefined, value: .sequence(items))
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    static func write(_ dataSet: DataSet, _ syntax: TransferSyntax, source: (any ByteSource)? = nil) throws -> [UInt8] {
        let buffer = try DataSetWriter(transferSyntax: syntax).write(dataSet, bulkDataSource: source)
        return Array(buffer.readableBytesView)
    }

    static func writeError(_ body: () throws -> Void) -> DICOMWriteError? {
        do {
            try body()
            return nil
        } catch let error as DICOMWriteError {
            return error
        } catch {
            return nil
        }
    }

    static let jpegBaseline = TransferSyntax(uid: "1.2.840.10008.1.2.4.50")

    /// A small CT-like image: the attributes peers expect, native 2×2 16-bit pixels.
    static func image(pixels: ElementValue? = nil) -> DataSet {
        var ds = DataSet([
            text(0x0008, 0x0016, .UI, "1.2.840.10008.5.1.4.1.1.2"),
            text(0x0008, 0x0018, .UI, "2.25.1234567890123"),
            text(0x0008, 0x0060, .CS, "CT"),
            text(0x0010, 0x0010, .PN, "Doe^Jane"),
            text(0x0010, 0x0020, .LO, "ID1"),
            text(0x0020, 0x000D, .UI, "2.25.11"),
            text(0x0020, 0x000E, .UI, "2.25.111"),
            us(0x0028, 0x0002, 1),
            text(0x0028, 0x0004, .CS, "MONOCHROME2"),
            us(0x0028, 0x0010, 2), us(0x0028, 0x0011, 2),
            us(0x0028, 0x0100, 16), us(0x0028, 0x0101, 16), us(0x0028, 0x0102, 15), us(0x0028, 0x0103, 0),
        ])
        let value = pixels ?? .bytes(ByteBuffer(bytes: [1, 0, 2, 0, 3, 0, 4, 0]))
        ds[.pixelData] = DataElement(tag: .pixelData, vr: .OW, length: .undefined, value: value)
        return ds
    }

    // MARK: - Exact bytes

    @Test func writesExplicitVRLittleEndianWithPadding() throws {
        let ds = DataSet([
            Self.text(0x0010, 0x0010, .PN, "Doe^J"),  // odd: space
            Self.text(0x0008, 0x0016, .UI, "1.2.3"),  // odd: NUL
            Self.us(0x0028, 0x0010, 512),
            Self.element(0x7FE0, 0x0010, .OB, [1, 2, 3]),  // odd binary: NUL
            Self.text(0x0008, 0x0050, .SH, ""),  // empty value
        ])
        let expected: [UInt8] =
            [0x08, 0x00, 0x16, 0x00] + Self.bytes("UI") + [6, 0] + Self.bytes("1.2.3") + [0]
            + [0x08, 0x00, 0x50, 0x00] + Self.bytes("SH") + [0, 0]
            + [0x10, 0x00, 0x10, 0x00] + Self.bytes("PN") + [6, 0] + Self.bytes("Doe^J ")
            + [0x28, 0x00, 0x10, 0x00] + Self.bytes("US") + [2, 0, 0x00, 0x02]
            + [0xE0, 0x7F, 0x10, 0x00] + Self.bytes("OB") + [0, 0, 4, 0, 0, 0, 1, 2, 3, 0]
        #expect(try Self.write(ds, .explicitVRLittleEndian) == expected)
    }

    @Test func writesImplicitVRLittleEndian() throws {
        let ds = DataSet([
            Self.text(0x0008, 0x0016, .UI, "1.2.3"),
            Self.us(0x0028, 0x0010, 512),
            Self.element(0x7FE0, 0x0010, .OW, [1, 2, 3, 4]),
        ])
        let expected: [UInt8] =
            [0x08, 0x00, 0x16, 0x00, 6, 0, 0, 0] + Self.bytes("1.2.3") + [0]
            + [0x28, 0x00, 0x10, 0x00, 2, 0, 0, 0, 0x00, 0x02]
            + [0xE0, 0x7F, 0x10, 0x00, 4, 0, 0, 0, 1, 2, 3, 4]
        #expect(try Self.write(ds, .implicitVRLittleEndian) == expected)
    }

    @Test func writesNestedSequencesWithUndefinedLengths() throws {
        let inner = DataSet([Self.text(0x0008, 0x1155, .UI, "1.2.3.4")])
        let outer = DataSet([
            Self.sequence(0x0008, 0x1140, [inner]),
            Self.text(0x0008, 0x1150, .UI, "1.2"),
        ])
        let ds = DataSet([Self.sequence(0x0008, 0x1115, [outer, DataSet()])])
        let item: [UInt8] = [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]
        let itemEnd: [UInt8] = [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0]
        let sequenceEnd: [UInt8] = [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
        let explicit: [UInt8] =
            [0x08, 0x00, 0x15, 0x11] + Self.bytes("SQ") + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            + item
            + [0x08, 0x00, 0x40, 0x11] + Self.bytes("SQ") + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            + item + [0x08, 0x00, 0x55, 0x11] + Self.bytes("UI") + [8, 0] + Self.bytes("1.2.3.4") + [0] + itemEnd
            + sequenceEnd
            + [0x08, 0x00, 0x50, 0x11] + Self.bytes("UI") + [4, 0] + Self.bytes("1.2") + [0]
            + itemEnd
            + item + itemEnd  // empty item
            + sequenceEnd
        #expect(try Self.write(ds, .explicitVRLittleEndian) == explicit)

        let implicit: [UInt8] =
            [0x08, 0x00, 0x15, 0x11, 0xFF, 0xFF, 0xFF, 0xFF]
            + item
            + [0x08, 0x00, 0x40, 0x11, 0xFF, 0xFF, 0xFF, 0xFF]
            + item + [0x08, 0x00, 0x55, 0x11, 8, 0, 0, 0] + Self.bytes("1.2.3.4") + [0] + itemEnd
            + sequenceEnd
            + [0x08, 0x00, 0x50, 0x11, 4, 0, 0, 0] + Self.bytes("1.2") + [0]
            + itemEnd
            + item + itemEnd
            + sequenceEnd
        #expect(try Self.write(ds, .implicitVRLittleEndian) == implicit)
    }

    @Test func writesUNSequenceItemsInImplicitVR() throws {
        let item = DataSet([Self.text(0x0009, 0x1001, .LO, "AB")])
        let ds = DataSet([Self.sequence(0x0009, 0x1010, [item], vr: .UN)])
        let expected: [UInt8] =
            [0x09, 0x00, 0x10, 0x10] + Self.bytes("UN") + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0x09, 0x00, 0x01, 0x10, 2, 0, 0, 0] + Self.bytes("AB")  // implicit VR inside (PS3.5 §6.2.2)
            + [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0]
            + [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
        #expect(try Self.write(ds, .explicitVRLittleEndian) == expected)
    }

    @Test func emptySQBytesBecomeAnEmptySequence() throws {
        let ds = DataSet([Self.element(0x0008, 0x1115, .SQ, [])])
        let expected: [UInt8] = [0x08, 0x00, 0x15, 0x11] + Self.bytes("SQ") + [0, 0, 0, 0, 0, 0]
        #expect(try Self.write(ds, .explicitVRLittleEndian) == expected)
    }

    // MARK: - Group lengths

    @Test(arguments: [TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian])
    func recomputesDataSetGroupLengths(syntax: TransferSyntax) throws {
        let ds = DataSet([
            Self.element(0x0008, 0x0000, .UL, [0xE7, 0x03, 0, 0]),  // stale value 999
            Self.text(0x0008, 0x0016, .UI, "1.2.3"),  // 8 + 6
            Self.text(0x0008, 0x0060, .CS, "CT"),  // 8 + 2
            Self.element(0x0009, 0x0000, .UL, [0, 0, 0, 0]),
            Self.text(0x0009, 0x0010, .LO, "ACME"),  // 8 + 4
            Self.element(0x0009, 0x1001, .OB, [1, 2]),  // explicit 12 + 2, implicit 8 + 2
        ])
        let out = try DataSetWriter(transferSyntax: syntax).write(ds)
        #expect(out.getInteger(at: 8, endianness: .little, as: UInt32.self) == 24)
        // Group 0008 is 12 + 24 bytes; the (0009,0000) value follows its 8-byte header.
        let group9 = out.getInteger(at: 36 + 8, endianness: .little, as: UInt32.self)
        #expect(group9 == (syntax.isExplicitVR ? 26 : 22))
        #expect(out.readableBytes == 36 + 12 + Int(group9 ?? 0))
        #expect(try DataSetWriter(transferSyntax: syntax).encodedLength(of: ds) == out.readableBytes)
    }

    @Test func groupLengthCountsNestedSequences() throws {
        let item = DataSet([Self.text(0x0008, 0x1150, .UI, "1.2")])  // 8 + 4
        let ds = DataSet([
            Self.element(0x0008, 0x0000, .UL, [0, 0, 0, 0]),
            Self.sequence(0x0008, 0x1115, [item]),  // 12 + (8 + 12 + 8) + 8
        ])
        let out = try DataSetWriter(transferSyntax: .explicitVRLittleEndian).write(ds)
        #expect(out.getInteger(at: 8, endianness: .little, as: UInt32.self) == 48)
        #expect(out.readableBytes == 12 + 48)
    }

    // MARK: - Bulk data

    @Test func copiesBulkDataFromTheSourceInChunks() throws {
        var payload = [UInt8](repeating: 0, count: 1001)
        for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 7) }
        let source = BufferByteSource([9, 9, 9] + payload + [9])
        let reference = BulkDataReference(offset: 3, length: payload.count)
        let ds = DataSet([DataElement(tag: .pixelData, vr: .OB, length: Length(1001), value: .bulkData(reference))])
        let writer = try DataSetWriter(transferSyntax: .explicitVRLittleEndian, chunkSize: 100)
        var chunks: [ByteBuffer] = []
        try writer.write(ds, bulkDataSource: source) { chunks.append($0) }
        #expect(chunks.allSatisfy { $0.readableBytes <= 96 && $0.readableBytes > 0 })  // 100 rounded to 8s
        let all = chunks.flatMap { Array($0.readableBytesView) }
        let expected: [UInt8] =
            [0xE0, 0x7F, 0x10, 0x00] + Self.bytes("OB") + [0, 0, 0xEA, 0x03, 0, 0] + payload + [0]
        #expect(all == expected)
    }

    @Test func largeInMemoryValuesAreChunked() throws {
        let payload = [UInt8](repeating: 0xAB, count: 10_000)
        let ds = DataSet([Self.element(0x7FE0, 0x0010, .OB, payload)])
        let writer = try DataSetWriter(transferSyntax: .implicitVRLittleEndian, chunkSize: 1024)
        var sizes: [Int] = []
        var total = 0
        try writer.write(ds) {
            sizes.append($0.readableBytes)
            total += $0.readableBytes
        }
        #expect(sizes.allSatisfy { $0 <= 1024 })
        #expect(total == 8 + 10_000)
    }

    /// A source that makes its bytes up on demand: a "file" far larger than anything held in memory.
    struct GeneratedByteSource: ByteSource {
        let size: Int
        func bytes(at offset: Int, count: Int) throws -> ByteBuffer {
            let n = max(0, min(count, size - offset))
            var buffer = ByteBuffer()
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: n) { raw in
                let start = offset % 251
                for i in 0..<n { raw[i] = UInt8((start + i) % 251) }
                return n
            }
            return buffer
        }
    }

    @Test func streamsLargeBulkDataInBoundedChunks() throws {
        let size = 4 << 20
        let source = GeneratedByteSource(size: size)
        var ds = Self.image(pixels: .bulkData(BulkDataReference(offset: 0, length: size)))
        ds[.numberOfFrames] = Self.text(0x0028, 0x0008, .IS, "1")
        let writer = try Part10Writer(transferSyntax: .explicitVRLittleEndian, chunkSize: 256 * 1024)
        var total = 0
        var largest = 0
        var tail: [UInt8] = []
        try writer.write(dataSet: ds, bulkDataSource: source) { chunk in
            total += chunk.readableBytes
            largest = max(largest, chunk.readableBytes)
            tail = Array(chunk.readableBytesView.suffix(4))
        }
        #expect(largest <= 256 * 1024)
        let expectedTail = (size - 4..<size).map { UInt8($0 % 251) }
        #expect(tail == expectedTail)
        let dataSetLength = try writer.dataSetWriter.encodedLength(of: ds)
        let metaLength = try DataSetWriter().encodedLength(
            of: writer.fileMetaInformation(for: ds), part: .fileMeta,
            context: EncodingContext(explicitVR: true, source: nil, checksSource: false))
        #expect(total == 132 + metaLength + dataSetLength)
    }

    @Test func swapsBigEndianBulkDataPerValue() throws {
        let source = BufferByteSource([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])
        func written(_ vr: VR, length: Int = 8) throws -> [UInt8] {
            let reference = BulkDataReference(offset: 0, length: length, isLittleEndian: false)
            let ds = DataSet([
                DataElement(tag: Tag(0x0009, 0x1001), vr: vr, length: Length(8), value: .bulkData(reference))
            ])
            return Array(try Self.write(ds, .implicitVRLittleEndian, source: source).dropFirst(8))
        }
        #expect(try written(.OW) == [0x02, 0x01, 0x04, 0x03, 0x06, 0x05, 0x08, 0x07])
        #expect(try written(.FL) == [0x04, 0x03, 0x02, 0x01, 0x08, 0x07, 0x06, 0x05])
        #expect(try written(.FD) == [0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01])
        #expect(try written(.AT) == [0x02, 0x01, 0x04, 0x03, 0x06, 0x05, 0x08, 0x07])
        #expect(try written(.OB) == [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])
    }

    @Test func swapsBigEndianBulkDataAcrossChunks() throws {
        var payload = [UInt8]()
        for i in 0..<500 { payload += [UInt8(i >> 8), UInt8(i & 0xFF)] }  // big-endian 16-bit 0..<500
        let reference = BulkDataReference(offset: 0, length: payload.count, isLittleEndian: false)
        let ds = DataSet([DataElement(tag: .pixelData, vr: .OW, length: Length(1000), value: .bulkData(reference))])
        let writer = try DataSetWriter(transferSyntax: .implicitVRLittleEndian, chunkSize: 70)
        let out = try writer.write(ds, bulkDataSource: BufferByteSource(payload))
        let values = (0..<500).map { out.getInteger(at: 8 + 2 * $0, endianness: .little, as: UInt16.self) }
        #expect(values == (0..<500).map { UInt16($0) })
    }

    // MARK: - Encapsulated pixel data

    @Test func writesEncapsulatedPixelData() throws {
        // Source: junk, fragment A (4 bytes), fragment B (3 bytes, odd).
        let source = BufferByteSource([0xEE, 0xA1, 0xA2, 0xA3, 0xA4, 0xB1, 0xB2, 0xB3])
        let pixels = EncapsulatedPixelData(
            basicOffsetTable: [0, 12], fragments: [.init(offset: 1, length: 4), .init(offset: 5, length: 3)],
            frames: [0..<1, 1..<2], frameSource: .basicOffsetTable, valueOffset: 0, valueLength: 0)
        let ds = DataSet([DataElement(tag: .pixelData, vr: .OB, length: .undefined, value: .encapsulated(pixels))])
        let expected: [UInt8] =
            [0xE0, 0x7F, 0x10, 0x00] + Self.bytes("OB") + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0xFE, 0xFF, 0x00, 0xE0, 8, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0]  // offset table
            + [0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0xA1, 0xA2, 0xA3, 0xA4]
            + [0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0xB1, 0xB2, 0xB3, 0x00]  // padded to even
            + [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
        #expect(try Self.write(ds, Self.jpegBaseline, source: source) == expected)
        #expect(try DataSetWriter(transferSyntax: Self.jpegBaseline).encodedLength(of: ds) == expected.count)
    }

    @Test func recomputesTheOffsetTableWhenPaddingMovesFragments() throws {
        let source = BufferByteSource([0xA1, 0xA2, 0xA3, 0xB1, 0xB2])
        let pixels = EncapsulatedPixelData(
            basicOffsetTable: [0, 11], fragments: [.init(offset: 0, length: 3), .init(offset: 3, length: 2)],
            frames: [0..<1, 1..<2], frameSource: .basicOffsetTable, valueOffset: 0, valueLength: 0)
        let ds = DataSet([DataElement(tag: .pixelData, vr: .OB, length: .undefined, value: .encapsulated(pixels))])
        let out = try DataSetWriter(transferSyntax: Self.jpegBaseline).write(ds, bulkDataSource: source)
        // The second fragment item now starts at 8 + 4 = 12.
        #expect(out.getInteger(at: 12 + 8 + 4, endianness: .little, as: UInt32.self) == 12)
    }

    // MARK: - Deflate

    @Test func deflatesTheDataSetOnly() throws {
        var ds = Self.image()
        ds[Tag(0x0008, 0x0080)] = Self.text(0x0008, 0x0080, .LO, String(repeating: "Hospital ", count: 500))
        let deflated = try Part10Writer(transferSyntax: .deflatedExplicitVRLittleEndian, chunkSize: 128).write(
            dataSet: ds)
        let plain = try DataSetWriter(transferSyntax: .explicitVRLittleEndian).write(ds)
        #expect(deflated.readableBytes % 2 == 0)
        #expect(deflated.readableBytes < plain.readableBytes)
        let file = try DICOMFile.parse(deflated)
        #expect(file.warnings.isEmpty, "\(file.warnings)")
        #expect(file.transferSyntax == .deflatedExplicitVRLittleEndian)
        // The inflated data set is exactly the explicit VR LE encoding.
        let inflated = try #require(file.inflatedDataSet)
        #expect(inflated.getSlice(at: inflated.readerIndex, length: plain.readableBytes) == plain)
        #expect(file.dataSet[.patientName]?.stringValue(characterSet: .default) == "Doe^Jane")
    }

    @Test func deflatedChunksStayWithinTheChunkSize() throws {
        var noise = [UInt8](repeating: 0, count: 200_000)
        var x: UInt32 = 12345
        for i in noise.indices {
            x = x &* 1_103_515_245 &+ 12345
            noise[i] = UInt8(truncatingIfNeeded: x >> 16)
        }
        let ds = DataSet([Self.element(0x7FE0, 0x0010, .OB, noise)])
        var sizes: [Int] = []
        var all = ByteBuffer()
        try DataSetWriter(transferSyntax: .deflatedExplicitVRLittleEndian, chunkSize: 4096).write(ds) { chunk in
            var chunk = chunk
            sizes.append(chunk.readableBytes)
            all.writeBuffer(&chunk)
        }
        #expect(sizes.allSatisfy { $0 <= 4096 })
        #expect(sizes.count > 40)
        let inflated = try Inflate.inflate(all, limit: 1 << 20, offset: 0)
        #expect(inflated == (try DataSetWriter().write(ds)))
    }

    // MARK: - Errors (nothing reaches the sink)

    @Test func rejectsWhatCannotBeWrittenConformantly() throws {
        func code(_ ds: DataSet, _ syntax: TransferSyntax = .explicitVRLittleEndian, source: (any ByteSource)? = nil)
            -> DICOMWriteError.Code?
        {
            var chunks = 0
            let error = Self.writeError {
                try DataSetWriter(transferSyntax: syntax).write(ds, bulkDataSource: source) { _ in chunks += 1 }
            }
            if error != nil { #expect(chunks == 0) }
            return error?.code
        }
        let long = [UInt8](repeating: 0x41, count: 70_000)
        #expect(code(DataSet([Self.element(0x0008, 0x0080, .LO, long)])) == .valueTooLong)
        #expect(code(DataSet([Self.element(0x0008, 0x0080, .LO, long)]), .implicitVRLittleEndian) == nil)
        #expect(code(DataSet([Self.element(0x0008, 0x0080, .UT, long)])) == nil)
        #expect(code(DataSet([Self.element(0x0028, 0x0010, .US, [1, 2, 3])])) == .invalidValue)
        #expect(code(DataSet([Self.element(0x0009, 0x1001, .AT, [1, 2])])) == .invalidValue)
        #expect(code(DataSet([Self.element(0x0008, 0x1115, .SQ, [1, 2])])) == .invalidValue)
        #expect(code(DataSet([Self.sequence(0x0009, 0x1001, [DataSet()], vr: .OB)])) == .invalidValue)
        #expect(code(DataSet([Self.text(0x0002, 0x0010, .UI, "1.2.840.10008.1.2")])) == .invalidTag)
        #expect(code(DataSet([Self.element(0xFFFE, 0xE000, .UN, [])])) == .invalidTag)
        #expect(
            code(DataSet([Self.sequence(0x0008, 0x1115, [DataSet([Self.element(0x0000, 0x0100, .US, [1, 0])])])]))
                == .invalidTag)

        let bulk = DataElement(
            tag: .pixelData, vr: .OB, length: Length(10), value: .bulkData(BulkDataReference(offset: 4, length: 10)))
        #expect(code(DataSet([bulk])) == .missingBulkDataSource)
        #expect(
            code(DataSet([bulk]), source: BufferByteSource([UInt8](repeating: 0, count: 13))) == .bulkDataUnavailable)
        #expect(code(DataSet([bulk]), source: BufferByteSource([UInt8](repeating: 0, count: 14))) == nil)

        let pixels = EncapsulatedPixelData(
            basicOffsetTable: [], fragments: [], frames: [], frameSource: .unknown, valueOffset: 0, valueLength: 0)
        let encapsulated = DataElement(tag: .pixelData, vr: .OB, length: .undefined, value: .encapsulated(pixels))
        #expect(code(DataSet([encapsulated])) == .encapsulationMismatch)
        #expect(code(DataSet([encapsulated]), .implicitVRLittleEndian) == .encapsulationMismatch)
        #expect(code(DataSet([encapsulated]), Self.jpegBaseline) == nil)
        #expect(code(Self.image(), Self.jpegBaseline) == .encapsulationMismatch)

        #expect(
            Self.writeError { _ = try DataSetWriter(transferSyntax: .explicitVRBigEndian) }?.code
                == .unsupportedTransferSyntax)
    }

    // MARK: - Part 10 files

    @Test func writesPreambleAndFileMetaInformation() throws {
        let given = DataSet([
            Self.text(0x0002, 0x0016, .AE, "MODALITY1"),
            Self.text(0x0002, 0x0013, .SH, "OTHER_1"),  // replaced: we wrote the file
            Self.element(0x0002, 0x0000, .UL, [1, 0, 0, 0]),  // stale, recomputed
        ])
        let file = try Part10Writer(transferSyntax: .implicitVRLittleEndian)
            .write(dataSet: Self.image(), fileMetaInformation: given)
        let bytes = Array(file.readableBytesView)
        #expect(bytes[0..<128].allSatisfy { $0 == 0 })
        #expect(Array(bytes[128..<132]) == Self.bytes("DICM"))
        // (0002,0000) UL 4: the length of the rest of the meta group.
        #expect(Array(bytes[132..<140]) == [0x02, 0x00, 0x00, 0x00] + Self.bytes("UL") + [4, 0])
        let groupLength = Int(file.getInteger(at: 140, endianness: .little, as: UInt32.self) ?? 0)
        let metaEnd = 144 + groupLength
        // The data set starts right after the meta group, in implicit VR: (0008,0016) with a 32-bit length.
        #expect(Array(bytes[metaEnd..<metaEnd + 8]) == [0x08, 0x00, 0x16, 0x00, 26, 0, 0, 0])
        let meta = Array(bytes[144..<metaEnd])
        let expectedMeta: [UInt8] =
            [0x02, 0x00, 0x01, 0x00] + Self.bytes("OB") + [0, 0, 2, 0, 0, 0, 0x00, 0x01]
            + [0x02, 0x00, 0x02, 0x00] + Self.bytes("UI") + [26, 0] + Self.bytes("1.2.840.10008.5.1.4.1.1.2") + [0]
            + [0x02, 0x00, 0x03, 0x00] + Self.bytes("UI") + [18, 0] + Self.bytes("2.25.1234567890123")
            + [0x02, 0x00, 0x10, 0x00] + Self.bytes("UI") + [18, 0] + Self.bytes("1.2.840.10008.1.2") + [0]
            + [0x02, 0x00, 0x12, 0x00] + Self.bytes("UI") + [44, 0] + Self.bytes(Implementation.classUID) + [0]
            + [0x02, 0x00, 0x13, 0x00] + Self.bytes("SH") + [12, 0] + Self.bytes("YINGYUN_0_1 ")
            + [0x02, 0x00, 0x16, 0x00] + Self.bytes("AE") + [10, 0] + Self.bytes("MODALITY1 ")
        #expect(meta == expectedMeta)
    }

    @Test func metaNeedsSOPClassAndInstanceUIDs() throws {
        var ds = Self.image()
        ds[.sopInstanceUID] = nil
        let writer = try Part10Writer()
        let error = Self.writeError { _ = try writer.write(dataSet: ds) }
        #expect(error?.code == .missingAttribute)
        #expect(error?.tag == .mediaStorageSOPInstanceUID)
        // The given meta can supply it (a DICOMDIR has no SOP Instance UID).
        let given = DataSet([Self.text(0x0002, 0x0003, .UI, "2.25.9")])
        let meta = try writer.fileMetaInformation(for: ds, given: given)
        #expect(meta[.mediaStorageSOPInstanceUID]?.bytes == ByteBuffer(string: "2.25.9"))
        #expect(
            Self.writeError {
                _ = try writer.fileMetaInformation(for: ds, given: DataSet([Self.text(0x0008, 0x0018, .UI, "1")]))
            }?.code == .invalidTag)
    }

    @Test func fileMetaElementsInTheDataSetMoveToTheMeta() throws {
        var ds = Self.image()
        ds[Tag(0x0002, 0x0016)] = Self.text(0x0002, 0x0016, .AE, "SCANNER")
        let file = try Part10Writer().write(dataSet: ds)
        let bytes = Array(file.readableBytesView)
        let groupLength = Int(file.getInteger(at: 140, endianness: .little, as: UInt32.self) ?? 0)
        #expect(Array(bytes[144 + groupLength..<144 + groupLength + 4]) == [0x08, 0x00, 0x16, 0x00])
        #expect(String(decoding: bytes[144..<144 + groupLength], as: UTF8.self).contains("SCANNER"))
    }

    // MARK: - Peers: dcmtk and pydicom read what we write

    /// Data sets exercising every encoding path, with the transfer syntaxes to write them in.
    static func peerCases() -> [(name: String, dataSet: DataSet, syntax: TransferSyntax, source: (any ByteSource)?)] {
        var nested = image()
        let reference = DataSet([
            text(0x0008, 0x1150, .UI, "1.2.840.10008.5.1.4.1.1.2"), text(0x0008, 0x1155, .UI, "2.25.5"),
        ])
        nested[Tag(0x0008, 0x1140)] = sequence(0x0008, 0x1140, [reference, reference])
        let code = DataSet([
            text(0x0008, 0x0100, .SH, "T-D1100"), text(0x0008, 0x0102, .SH, "SRT"), text(0x0008, 0x0104, .LO, "Head"),
        ])
        nested[Tag(0x0008, 0x2218)] = sequence(0x0008, 0x2218, [code])
        nested[Tag(0x0009, 0x0010)] = text(0x0009, 0x0010, .LO, "YINGYUN TEST")
        nested[Tag(0x0009, 0x1010)] = sequence(
            0x0009, 0x1010,
            [DataSet([text(0x0009, 0x0010, .LO, "YINGYUN TEST"), element(0x0009, 0x1001, .UN, [1, 2, 3, 4])])], vr: .UN)
        nested[Tag(0x0008, 0x0000)] = element(0x0008, 0x0000, .UL, [0, 0, 0, 0])
        nested[Tag(0x0010, 0x0000)] = element(0x0010, 0x0000, .UL, [0, 0, 0, 0])

        let fragments: [UInt8] = [0xFF, 0xD8, 0xFF, 0xD9, 0xFF, 0xD8, 0x00, 0xFF, 0xD9]
        let pixels = EncapsulatedPixelData(
            basicOffsetTable: [0, 12], fragments: [.init(offset: 0, length: 4), .init(offset: 4, length: 5)],
            frames: [0..<1, 1..<2], frameSource: .basicOffsetTable, valueOffset: 0, valueLength: 0)
        var encapsulated = image(pixels: .encapsulated(pixels))
        encapsulated[.numberOfFrames] = text(0x0028, 0x0008, .IS, "2")
        encapsulated[Tag(0x0028, 0x0100)] = us(0x0028, 0x0100, 8)
        encapsulated[Tag(0x0028, 0x0101)] = us(0x0028, 0x0101, 8)
        encapsulated[Tag(0x0028, 0x0102)] = us(0x0028, 0x0102, 7)
        var bigEndianBulk = image(pixels: .bulkData(BulkDataReference(offset: 0, length: 8, isLittleEndian: false)))
        bigEndianBulk[Tag(0x0010, 0x1010)] = text(0x0010, 0x1010, .AS, "042Y")
        return [
            ("explicit", image(), .explicitVRLittleEndian, nil),
            ("implicit", image(), .implicitVRLittleEndian, nil),
            ("nested-explicit", nested, .explicitVRLittleEndian, nil),
            ("nested-implicit", nested, .implicitVRLittleEndian, nil),
            ("encapsulated", encapsulated, jpegBaseline, BufferByteSource(fragments)),
            ("deflated", nested, .deflatedExplicitVRLittleEndian, nil),
            ("bulk-be", bigEndianBulk, .explicitVRLittleEndian, BufferByteSource([0, 1, 0, 2, 0, 3, 0, 4])),
        ]
    }

    @Test func dcmtkAndPydicomReadWhatWeWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yingyun-writer-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for testCase in Self.peerCases() {
            let path = directory.appendingPathComponent(testCase.name + ".dcm").path
            // Stream to the file in small chunks, as a real export would.
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try Part10Writer(transferSyntax: testCase.syntax, chunkSize: 256)
                .write(dataSet: testCase.dataSet, bulkDataSource: testCase.source) { chunk in
                    handle.write(Data(chunk.readableBytesView))
                }
            try handle.close()

            let dump = try Self.run("/usr/bin/dcmdump", ["-dc", path])
            #expect(dump.status == 0, "dcmdump \(testCase.name): \(dump.output)")
            let lower = dump.output.lowercased()
            #expect(!lower.contains("error"), "dcmdump \(testCase.name): \(dump.output)")
            // dcmtk notes every UN of undefined length it reads as a sequence "(CP-246)": that is the
            // encoding PS3.5 §6.2.2 prescribes (and in implicit VR, any private sequence looks like UN), so
            // that note alone is not a fault.
            let flagged = dump.output.split(separator: "\n").filter {
                ($0.hasPrefix("E: ") || $0.hasPrefix("W: ")) && !$0.contains("(CP-246)")
            }
            #expect(flagged.isEmpty, "dcmdump \(testCase.name): \(flagged)")

            let py = try Self.run("/usr/bin/env", ["python3", "-c", Self.pydicomCheck, path])
            #expect(py.status == 0, "pydicom \(testCase.name): \(py.output)")
            #expect(py.output.contains("ts=\(testCase.syntax.uid)"), "pydicom \(testCase.name): \(py.output)")
            #expect(py.output.contains("name=Doe^Jane"), "pydicom \(testCase.name): \(py.output)")
        }
    }

    @Test func pydicomSeesTheValuesWeWrote() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yingyun-writer-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases = Self.peerCases()
        for testCase in cases
        where testCase.name == "bulk-be" || testCase.name == "encapsulated" || testCase.name == "nested-explicit" {
            let path = directory.appendingPathComponent(testCase.name + ".dcm").path
            let file = try Part10Writer(transferSyntax: testCase.syntax)
                .write(dataSet: testCase.dataSet, bulkDataSource: testCase.source)
            try Data(file.readableBytesView).write(to: URL(fileURLWithPath: path))
            let py = try Self.run("/usr/bin/env", ["python3", "-c", Self.pydicomDetails, path])
            #expect(py.status == 0, "\(py.output)")
            switch testCase.name {
            case "bulk-be":
                #expect(py.output.contains("pixels=0100020003000400"), "\(py.output)")  // swapped to LE words 1,2,3,4
            case "encapsulated":
                #expect(py.output.contains("fragments=ffd8ffd9,ffd800ffd900"), "\(py.output)")
                #expect(py.output.contains("bot=0,12"), "\(py.output)")
            default:
                #expect(py.output.contains("refs=2"), "\(py.output)")
                #expect(py.output.contains("group8ok=True"), "\(py.output)")
            }
        }
    }

    // MARK: - Round trip: parse → write → parse

    /// pydicom's bundled test files (read to learn from, never copied into the repository).
    static let corpus: [String] = {
        guard
            let found = try? run(
                "/usr/bin/env", ["python3", "-c", "import pydicom,os;print(os.path.dirname(pydicom.__file__))"]),
            found.status == 0
        else { return [] }
        let root = found.output.trimmingCharacters(in: .whitespacesAndNewlines) + "/data"
        var files: [String] = []
        for folder in ["test_files", "charset_files"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? []
            for name in names.sorted() where name.hasSuffix(".dcm") || !name.contains(".") {
                var isDirectory: ObjCBool = false
                let path = root + "/" + folder + "/" + name
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    files.append(path)
                }
            }
        }
        return files
    }()

    /// The bytes of a primitive value, padded as the writer pads them; nil for sequences and pixel fragments.
    static func paddedValue(_ element: DataElement, _ source: any ByteSource, vr: VR) throws -> [UInt8]? {
        var bytes: [UInt8]
        switch element.value {
        case .bytes(let b): bytes = Array(b.readableBytesView)
        case .bulkData(let r):
            let b = try source.bytes(at: r.offset, count: r.length)
            bytes = Array(b.readableBytesView)
            if !r.isLittleEndian, let unit = element.vr.fixedValueSize, unit > 1 {
                bytes = Array(DataSetWriter.byteSwapped(ByteBuffer(bytes: bytes), unit: unit).readableBytesView)
            }
        default: return nil
        }
        if bytes.count % 2 == 1 { bytes.append(vr.paddingByte) }
        return bytes
    }

    /// Differences between two data sets, element by element: tags, VRs (when `compareVR`), values
    /// (padded), items and fragments. Group length values are not compared: the writer recomputes them.
    static func differences(
        _ a: DataSet, _ sourceA: any ByteSource, _ b: DataSet, _ sourceB: any ByteSource, compareVR: Bool,
        path: String = ""
    ) throws -> [String] {
        var out: [String] = []
        let tagsA = a.elements.map(\.tag)
        let tagsB = b.elements.map(\.tag)
        if tagsA != tagsB { return [path + "tags differ: \(Set(tagsA).symmetricDifference(tagsB).sorted())"] }
        for (x, y) in zip(a.elements, b.elements) {
            let here = path + x.tag.description
            // Encapsulated pixel data is always written OB (PS3.5 §A.4), whatever VR the source used.
            var isEncapsulated = false
            if case .encapsulated = x.value { isEncapsulated = y.vr == .OB }
            if compareVR && x.vr != y.vr && !x.tag.isGroupLength && !isEncapsulated {
                out.append(here + " VR \(x.vr) → \(y.vr)")
            }
            if x.tag.isGroupLength { continue }
            switch (x.value, y.value) {
            case (.sequence(let itemsA), .sequence(let itemsB)):
                guard itemsA.count == itemsB.count else {
                    out.append(here + " \(itemsA.count) items → \(itemsB.count)")
                    continue
                }
                for (i, (p, q)) in zip(itemsA, itemsB).enumerated() {
                    out += try differences(p, sourceA, q, sourceB, compareVR: compareVR, path: here + "[\(i)]")
                }
            case (.encapsulated(let p), .encapsulated(let q)):
                let fa = try p.fragments.map {
                    try paddedValue(
                        DataElement(
                            tag: x.tag, vr: .OB, length: .undefined,
                            value: .bulkData(BulkDataReference(offset: $0.offset, length: $0.length))), sourceA, vr: .OB
                    )
                }
                let fb = try q.fragments.map {
                    try paddedValue(
                        DataElement(
                            tag: x.tag, vr: .OB, length: .undefined,
                            value: .bulkData(BulkDataReference(offset: $0.offset, length: $0.length))), sourceB, vr: .OB
                    )
                }
                if fa != fb { out.append(here + " fragments differ") }
                if p.frames != q.frames { out.append(here + " frames \(p.frames) → \(q.frames)") }
            case (.sequence, _), (_, .sequence), (.encapsulated, _), (_, .encapsulated):
                out.append(here + " value kind changed")
            default:
                if try paddedValue(x, sourceA, vr: x.vr) != paddedValue(y, sourceB, vr: x.vr) {
                    out.append(here + " value differs")
                }
            }
        }
        return out
    }

    /// Every pydicom test file we can parse is written in each syntax we can write for it (its own
    /// encapsulated syntax, else explicit, implicit and deflated explicit VR LE, which also converts big
    /// endian files), re-parsed without warnings, and found equal to the original; writing the
    /// re-parsed file again gives the same bytes. Files the strict writer refuses are listed.
    @Test func roundTripsPydicomTestFiles() throws {
        try #require(!Self.corpus.isEmpty, "pydicom test files not found")
        var written = 0
        var refused: [String] = []
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yingyun-roundtrip-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var outputs: [String] = []
        for path in Self.corpus {
            let name = String(path.split(separator: "/").last ?? "")
            let source = try FileByteSource(path: path)
            guard let original = try? DICOMFile.parse(source) else { continue }  // the parser's tests cover these
            let values = original.valueSource(source)
            let targets: [TransferSyntax] =
                original.transferSyntax.isEncapsulated
                ? [original.transferSyntax]
                : [.explicitVRLittleEndian, .implicitVRLittleEndian, .deflatedExplicitVRLittleEndian]
            for syntax in targets {
                let writer = try Part10Writer(transferSyntax: syntax)
                let bytes: ByteBuffer
                do {
                    bytes = try writer.write(
                        dataSet: original.dataSet, fileMetaInformation: original.fileMetaInformation,
                        bulkDataSource: values)
                } catch let error as DICOMWriteError {
                    refused.append("\(name) → \(syntax.uid): \(error)")
                    continue
                }
                written += 1
                let label = "\(name) → \(syntax.uid)"
                let output = directory.appendingPathComponent("\(written)-\(syntax.uid)-\(name)").path
                try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: output))
                outputs.append(output)
                let reparsed = try DICOMFile.parse(bytes)
                #expect(reparsed.warnings.isEmpty, "\(label): \(reparsed.warnings)")
                #expect(reparsed.transferSyntax == syntax, "\(label)")
                let reparsedValues = reparsed.valueSource(BufferByteSource(bytes))
                let diffs = try Self.differences(
                    original.dataSet, values, reparsed.dataSet, reparsedValues, compareVR: syntax.isExplicitVR)
                #expect(diffs.isEmpty, "\(label): \(diffs.prefix(10))")
                // Meta elements the caller gave are kept (other than the ones the writer owns).
                for e in original.fileMetaInformation.elements where e.tag.element >= 0x0015 {
                    #expect(reparsed.fileMetaInformation.contains(e.tag), "\(label): lost \(e.tag)")
                }
                let again = try writer.write(
                    dataSet: reparsed.dataSet, fileMetaInformation: reparsed.fileMetaInformation,
                    bulkDataSource: reparsedValues)
                #expect(again == bytes, "\(label): writing the re-parsed file changed its bytes")
            }
        }
        #expect(written > 60, "only \(written) files written")
        // Only files without a SOP Class UID (Type 1 in the meta, PS3.10 §7.1) may be refused.
        #expect(refused.allSatisfy { $0.contains("missingAttribute") }, "\(refused)")

        // dcmtk reads every file we wrote without errors; pydicom reads them all in one process.
        for output in outputs {
            let dump = try Self.run("/usr/bin/dcmdump", ["-dc", output])
            let flagged = dump.output.split(separator: "\n").filter { $0.hasPrefix("E: ") || $0.hasPrefix("F: ") }
            #expect(dump.status == 0 && flagged.isEmpty, "dcmdump \(output): \(flagged)")
        }
        let py = try Self.run("/usr/bin/env", ["python3", "-c", Self.pydicomReadAll] + outputs)
        #expect(py.status == 0 && py.output.contains("read \(outputs.count)"), "pydicom: \(py.output)")
        print("WriterTests round trip: \(written) written; refused: \(refused.count)")
        for line in refused { print("  refused " + line) }
    }

    /// Values left in the file as bulk data references (including big-endian ones, swapped on the
    /// way out) are written exactly as the same values read into memory.
    @Test func bulkReferencesWriteLikeValuesInMemory() throws {
        try #require(!Self.corpus.isEmpty, "pydicom test files not found")
        var compared = 0
        var bigEndian = 0
        for path in Self.corpus {
            let source = try FileByteSource(path: path)
            guard let inMemory = try? DICOMFile.parse(source, options: ParseOptions(bulkDataThreshold: 1 << 30)),
                let deferred = try? DICOMFile.parse(source, options: ParseOptions(bulkDataThreshold: 16)),
                inMemory.dataSet[.sopClassUID] != nil
            else { continue }
            let syntax = inMemory.transferSyntax.isEncapsulated ? inMemory.transferSyntax : .explicitVRLittleEndian
            let writer = try Part10Writer(transferSyntax: syntax, chunkSize: 4096)
            let a = try writer.write(
                dataSet: inMemory.dataSet, fileMetaInformation: inMemory.fileMetaInformation,
                bulkDataSource: inMemory.valueSource(source))
            let b = try writer.write(
                dataSet: deferred.dataSet, fileMetaInformation: deferred.fileMetaInformation,
                bulkDataSource: deferred.valueSource(source))
            let firstDifference = zip(a.readableBytesView, b.readableBytesView).enumerated()
                .first { $0.element.0 != $0.element.1 }?.offset
            #expect(a == b, "\(path): first difference at \(firstDifference.map(String.init) ?? "end")")
            compared += 1
            if !inMemory.transferSyntax.isLittleEndian { bigEndian += 1 }
        }
        #expect(compared > 40)
        #expect(bigEndian > 0)
    }

    /// Reads every file named and touches every value (pydicom's default, lenient mode: the round-trip
    /// sources include deliberately odd values that are preserved, not fixed).
    static let pydicomReadAll = """
        import sys, pydicom
        n = 0
        for path in sys.argv[1:]:
            ds = pydicom.dcmread(path)
            for e in ds.iterall():
                e.value
            n += 1
        print("read %d" % n)
        """

    /// Reads the whole file strictly (pydicom's RAISE mode) and touches every value.
    static let pydicomCheck = """
        import sys, pydicom
        from pydicom import config
        config.settings.reading_validation_mode = config.RAISE
        ds = pydicom.dcmread(sys.argv[1])
        for e in ds.iterall():
            e.value
        print("ts=" + str(ds.file_meta.TransferSyntaxUID))
        print("name=" + str(ds.PatientName))
        """

    static let pydicomDetails = """
        import sys, pydicom
        from pydicom.encaps import generate_fragments, parse_basic_offsets
        from pydicom.filebase import DicomBytesIO
        ds = pydicom.dcmread(sys.argv[1])
        if ds.file_meta.TransferSyntaxUID.is_compressed:
            data = ds.PixelData
            fp = DicomBytesIO(data); fp.is_little_endian = True
            print("bot=" + ",".join(str(o) for o in parse_basic_offsets(fp)))
            print("fragments=" + ",".join(f.hex() for f in generate_fragments(fp)))
        else:
            print("pixels=" + ds.PixelData.hex())
        if "ReferencedImageSequence" in ds:
            print("refs=%d" % len(ds.ReferencedImageSequence))
            # Group length (0008,0000) must equal the bytes of the rest of group 0008 as written.
            from pydicom.filewriter import write_dataset
            from pydicom.dataset import Dataset
            g = Dataset()
            for e in ds:
                if e.tag.group == 8 and e.tag.element != 0:
                    g.add(e)
            fp = DicomBytesIO(); fp.is_little_endian = True; fp.is_implicit_VR = False
            write_dataset(fp, g)
            print("group8ok=" + str(ds[0x00080000].value == len(fp.getvalue())))
        """

    /// Runs a program, returning its exit status and combined output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
