import Foundation
import NIOCore
import YingyunCatalog
import YingyunDICOM

/// Builds the data sets the catalog tests register: UTF-8 text (ISO_IR 192), values padded to
/// even length, VRs from the data dictionary.
struct TestInstance {
    var study = "1.2.3.1"
    var series = "1.2.3.1.1"
    var sop = "1.2.3.1.1.1"
    var sopClass = "1.2.840.10008.5.1.4.1.1.2"
    var patientID: String? = "P1"
    var issuer: String? = "HOSP-A"
    var issuerQualifier: String? = nil
    var patientName: String? = "Zhang^Wei"
    var birthDate: String? = "19800101"
    var sex: String? = "M"
    /// OtherPatientIDsSequence items: (value, issuer).
    var otherIDs: [(String, String)] = []
    var modality: String? = "CT"
    var studyDate: String? = "20240105"
    var studyTime: String? = "101500"
    var accession: String? = "ACC1"
    var studyDescription: String? = "CT HEAD"
    var seriesNumber: Int? = 1
    var seriesDescription: String? = "AXIAL"
    var instanceNumber: Int? = 1
    var rows: Int? = 512
    var extra: [DataElement] = []

    var dataSet: DataSet {
        var e: [DataElement] = [text(.specificCharacterSet, "ISO_IR 192")]
        func add(_ tag: Tag, _ v: String?) { if let v { e.append(text(tag, v)) } }
        add(.studyInstanceUID, study)
        add(.seriesInstanceUID, series)
        add(.sopInstanceUID, sop)
        add(.sopClassUID, sopClass)
        add(.patientID, patientID)
        add(.issuerOfPatientID, issuer)
        add(.patientName, patientName)
        add(.patientBirthDate, birthDate)
        add(.patientSex, sex)
        add(.modality, modality)
        add(.studyDate, studyDate)
        add(.studyTime, studyTime)
        add(.accessionNumber, accession)
        add(.studyDescription, studyDescription)
        add(.seriesDescription, seriesDescription)
        add(.seriesNumber, seriesNumber.map(String.init))
        add(.instanceNumber, instanceNumber.map(String.init))
        if let rows { e.append(us(.rows, rows)); e.append(us(.columns, rows)); e.append(us(.bitsAllocated, 16)) }
        if let issuerQualifier {
            e.append(DataElement(tag: .issuerOfPatientIDQualifiersSequence, items: [
                DataSet([text(.universalEntityID, issuerQualifier)])
            ]))
        }
        if !otherIDs.isEmpty {
            e.append(DataElement(tag: .otherPatientIDsSequence, items: otherIDs.map { value, issuer in
                DataSet([text(.patientID, value), text(.issuerOfPatientID, issuer)])
            }))
        }
        return DataSet(e + extra)
    }

    func record(digest: String? = nil, source: String = "HTTP:10.0.0.5", frames: [[Range<Int>]] = [[1000..<525_288]]) -> InstanceRecord {
        InstanceRecord(
            dataSet: dataSet, transferSyntaxUID: "1.2.840.10008.1.2.1", digest: digest ?? "d-" + sop, size: 525_288,
            pixelDataOffset: 1000, frames: frames, source: source, receivedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }
}

func text(_ tag: Tag, _ value: String) -> DataElement {
    let vr = DataDictionary.entry(for: tag)?.vr ?? .UN
    var b = ByteBuffer()
    b.writeString(value)
    if b.readableBytes & 1 == 1 { b.writeInteger(vr.paddingByte) }
    return DataElement(tag: tag, vr: vr, bytes: b)
}

func us(_ tag: Tag, _ value: Int) -> DataElement {
    var b = ByteBuffer()
    b.writeInteger(UInt16(value), endianness: .little)
    return DataElement(tag: tag, vr: .US, bytes: b)
}

extension DataSet {
    /// The decoded text of an element, as a client would read it (UTF-8 results).
    func string(_ tag: Tag) -> String? { self[tag]?.stringValue(characterSet: .utf8) }
}

/// A scratch directory removed when the value goes away.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("yingyun-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
