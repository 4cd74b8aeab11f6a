public import Foundation
public import YingyunDICOM

/// Everything the catalog needs about one received instance: the header (parsed up to pixel
/// data) plus facts about the stored object that only the ingest pipeline knows.
public struct InstanceRecord: Sendable {
    /// The data set without pixel data (file meta information excluded).
    public var dataSet: DataSet
    /// Transfer syntax UID of the stored bytes.
    public var transferSyntaxUID: String
    /// Hex SHA-256 of the stored bytes.
    public var digest: String
    public var size: Int
    /// Offset of the Pixel Data element's value in the stored object, if it has pixel data.
    public var pixelDataOffset: Int?
    /// Byte ranges of each frame in the stored object: one range for native data, one per
    /// fragment for encapsulated data. Served without re-parsing.
    public var frames: [[Range<Int>]]
    /// Who sent it: "AE:<calling AE title>" or "HTTP:<client address>" or "IMPORT:<path>".
    public var source: String
    public var receivedAt: Date

    public init(
        dataSet: DataSet, transferSyntaxUID: String, digest: String, size: Int,
        pixelDataOffset: Int?, frames: [[Range<Int>]], source: String, receivedAt: Date
    ) {
        self.dataSet = dataSet
        self.transferSyntaxUID = transferSyntaxUID
        self.digest = digest
        self.size = size
        self.pixelDataOffset = pixelDataOffset
        self.frames = frames
        self.source = source
        self.receivedAt = receivedAt
    }
}

/// An indexed instance: where its bytes are and how to cut frames out of them.
public struct StoredInstance: Sendable, Hashable {
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var sopClassUID: String
    public var transferSyntaxUID: String
    public var digest: String
    public var size: Int
    public var pixelDataOffset: Int?
    public var frames: [[Range<Int>]]
    public var instanceNumber: Int?

    public init(
        studyInstanceUID: String, seriesInstanceUID: String, sopInstanceUID: String,
        sopClassUID: String, transferSyntaxUID: String, digest: String, size: Int,
        pixelDataOffset: Int?, frames: [[Range<Int>]], instanceNumber: Int?
    ) {
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
        self.sopClassUID = sopClassUID
        self.transferSyntaxUID = transferSyntaxUID
        self.digest = digest
        self.size = size
        self.pixelDataOffset = pixelDataOffset
        self.frames = frames
        self.instanceNumber = instanceNumber
    }
}
