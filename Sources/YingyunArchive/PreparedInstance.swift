import Foundation
import NIOCore
import YingyunCatalog
import YingyunDICOM
import YingyunStore

/// A received object whose header has been parsed and checked, ready to commit and index.
struct PreparedInstance {
    /// The header the catalog indexes: no bulk values, and every value copied out of the
    /// parser's read windows, so a request holding thousands of prepared instances holds only
    /// their few kilobytes of attributes, not a window buffer each.
    var header: DataSet
    var transferSyntaxUID: String
    var sopClassUID: String
    var sopInstanceUID: String
    var studyInstanceUID: String
    var seriesInstanceUID: String
    var pixelDataOffset: Int?
    var frames: [[Range<Int>]]

    /// Parses the header (pixel data located, not read) and checks what a store must check:
    /// a Part 10 object with a transfer syntax, the four UIDs, and the study the URL names.
    static func parse(_ source: any ByteSource, expectedStudyInstanceUID: String?) throws -> PreparedInstance {
        guard source.size > 0 else {
            throw IngestFailure(reason: .cannotUnderstand, message: "empty part: no DICOM object")
        }
        let file: DICOMFile
        do {
            file = try DICOMFile.parse(source, options: ParseOptions(stopBeforePixelData: false, bulkDataThreshold: 4096))
        } catch let e as DICOMParseError {
            throw IngestFailure(reason: .cannotUnderstand, message: "not a parsable DICOM object: \(e)")
        }
        guard file.fileMetaInformation[.transferSyntaxUID] != nil else {
            throw IngestFailure(reason: .cannotUnderstand, message: "not a DICOM Part 10 object: no File Meta Information with a Transfer Syntax UID")
        }
        func uid(_ tag: Tag) -> String? {
            guard let v = file.dataSet[tag]?.stringValue(characterSet: .default) else { return nil }
            let t = UID.trimmed(v)
            return t.isEmpty ? nil : t
        }
        let sopClass = uid(.sopClassUID)
        let sopInstance = uid(.sopInstanceUID)
        var missing: [String] = []
        if sopClass == nil { missing.append("SOPClassUID") }
        if sopInstance == nil { missing.append("SOPInstanceUID") }
        let study = uid(.studyInstanceUID)
        if study == nil { missing.append("StudyInstanceUID") }
        let series = uid(.seriesInstanceUID)
        if series == nil { missing.append("SeriesInstanceUID") }
        guard missing.isEmpty, let sopClass, let sopInstance, let study, let series else {
            throw IngestFailure(
                reason: .dataSetDoesNotMatchSOPClass,
                message: "required attribute missing: \(missing.joined(separator: ", "))",
                sopClassUID: sopClass, sopInstanceUID: sopInstance)
        }
        if let expected = expectedStudyInstanceUID, expected != study {
            throw IngestFailure(
                reason: .dataSetDoesNotMatchSOPClass,
                message: "StudyInstanceUID \(study) does not match the study \(expected) in the request URL",
                sopClassUID: sopClass, sopInstanceUID: sopInstance)
        }
        let layout = FrameLayout.frames(of: file)
        return PreparedInstance(
            header: compacted(file.dataSet), transferSyntaxUID: file.transferSyntax.uid,
            sopClassUID: sopClass, sopInstanceUID: sopInstance, studyInstanceUID: study,
            seriesInstanceUID: series, pixelDataOffset: layout.pixelDataOffset, frames: layout.frames)
    }

    func failure(_ reason: FailureReason, _ message: String) -> IngestFailure {
        IngestFailure(reason: reason, message: message, sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID)
    }

    func record(digest: String, size: Int, source: String, receivedAt: Date) -> InstanceRecord {
        return InstanceRecord(
            dataSet: header, transferSyntaxUID: transferSyntaxUID, digest: digest, size: size,
            pixelDataOffset: pixelDataOffset, frames: frames, source: source, receivedAt: receivedAt)
    }

    func ingested(blob: StoredBlob, outcome: RegisterOutcome) -> IngestedInstance {
        IngestedInstance(
            sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID, studyInstanceUID: studyInstanceUID,
            seriesInstanceUID: seriesInstanceUID, transferSyntaxUID: transferSyntaxUID,
            digest: blob.digest.hex, size: blob.size, outcome: outcome, blobDeduplicated: blob.deduplicated)
    }
}

/// A copy of `dataSet` whose values own their bytes; bulk and encapsulated values are dropped.
func compacted(_ dataSet: DataSet) -> DataSet {
    var out: [DataElement] = []
    out.reserveCapacity(dataSet.count)
    for e in dataSet.elements {
        var copy = e
        switch e.value {
        case .bulkData, .encapsulated:
            continue
        case .bytes(let b):
            copy.value = .bytes(ByteBuffer(bytes: b.readableBytesView))
        case .sequence(let items):
            copy.value = .sequence(items.map { compacted($0) })
        }
        out.append(copy)
    }
    return DataSet(out)
}
