import Foundation
import GRDB

/// The SELECT that yields `StoredInstance`s, and how to decode its rows.
enum StoredInstanceRow {
    static let select = """
        SELECT st.uid, se.uid, i.sop_instance_uid, i.sop_class_uid, i.transfer_syntax_uid, i.digest, i.size,
               i.pixel_data_offset, i.frames, i.instance_number
        FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id
        """
    /// WADO-RS order: series, then InstanceNumber, then SOP Instance UID (unnumbered last).
    static let order = """
         ORDER BY se.series_number IS NULL, se.series_number, se.uid,
                  i.instance_number IS NULL, i.instance_number, i.sop_instance_uid
        """

    static func decode(_ row: Row) throws -> StoredInstance {
        let blob: Data = row[8]
        guard let frames = FrameTable.decode(blob) else {
            throw CatalogError.storage("malformed frame table for an instance")
        }
        return StoredInstance(
            studyInstanceUID: row[0], seriesInstanceUID: row[1], sopInstanceUID: row[2], sopClassUID: row[3],
            transferSyntaxUID: row[4], digest: row[5], size: row[6], pixelDataOffset: row[7], frames: frames,
            instanceNumber: row[9])
    }
}
