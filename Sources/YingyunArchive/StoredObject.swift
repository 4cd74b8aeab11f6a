public import YingyunDICOM
public import YingyunStore

/// A stored object parsed whole with its large values (pixel data) left in the blob as
/// references: what transcoding, rendering and frame decoding start from.
public struct StoredObject {
    public let file: DICOMFile
    /// Where the file's bulk references point (the inflated data set of a deflated object).
    public let values: any ByteSource

    public init(_ reader: any BlobReader) throws {
        let source = BlobByteSource(reader: reader)
        file = try DICOMFile.parse(source, options: ParseOptions(stopBeforePixelData: false, bulkDataThreshold: 4096))
        values = file.valueSource(source)
    }
}
