import YingyunDICOM

/// One attribute the catalog keeps: where its value lives in SQL, how a query matches it
/// (PS3.4 C.2.2.2) and how it is written back into a result data set.
struct CatalogAttribute: Sendable {
    enum Matching: Sendable, Equatable {
        /// Single value with `*`/`?` wildcards, case-sensitive; "\"-separated values match any.
        case text
        /// UID list matching (PS3.4 C.2.2.2.2).
        case uid
        /// Case-insensitive over all component groups; the column prefix names the
        /// normalised `_a`, `_i`, `_p` and `_words` columns.
        case personName
        /// Range matching on DA, TM, DT (PS3.4 C.2.2.2.5).
        case date, time, dateTime
        /// IS/US values compared as integers.
        case integer
        /// ModalitiesInStudy: matches when any series of the study matches.
        case modalities
        /// Returned, never matched (derived counts).
        case none
    }

    let tag: Tag
    let level: QueryLevel
    /// Qualified column: `st.` study, `se.` series, `i.` instance.
    let column: String
    let matching: Matching
    let vr: VR
    /// Set for values kept from the first item of a sequence (returned inside that sequence).
    let sequence: Tag?

    init(_ tag: Tag, _ level: QueryLevel, _ column: String, _ matching: Matching, in sequence: Tag? = nil) {
        self.tag = tag
        self.level = level
        self.column = column
        self.matching = matching
        self.vr = DataDictionary.entry(for: tag)?.vr ?? .UN
        self.sequence = sequence
    }

    static let study: [CatalogAttribute] = [
        .init(.studyDate, .study, "st.study_date", .date),
        .init(.studyTime, .study, "st.study_time", .time),
        .init(.accessionNumber, .study, "st.accession_number", .text),
        .init(.institutionName, .study, "st.institution_name", .text),
        .init(.referringPhysicianName, .study, "st.referring_physician_name", .personName),
        .init(.studyDescription, .study, "st.study_description", .text),
        .init(.patientName, .study, "st.patient_name", .personName),
        .init(.patientID, .study, "st.patient_id", .text),
        .init(.issuerOfPatientID, .study, "st.patient_issuer", .text),
        .init(.patientBirthDate, .study, "st.patient_birth_date", .date),
        .init(.patientSex, .study, "st.patient_sex", .text),
        .init(.studyInstanceUID, .study, "st.uid", .uid),
        .init(.studyID, .study, "st.study_id", .text),
        .init(.modalitiesInStudy, .study, "st.modalities_in_study", .modalities),
        .init(.numberOfStudyRelatedSeries, .study, "st.number_of_series", .none),
        .init(.numberOfStudyRelatedInstances, .study, "st.number_of_instances", .none),
    ]

    static let series: [CatalogAttribute] = [
        .init(.seriesDate, .series, "se.series_date", .date),
        .init(.seriesTime, .series, "se.series_time", .time),
        .init(.modality, .series, "se.modality", .text),
        .init(.institutionName, .series, "se.institution_name", .text),
        .init(.stationName, .series, "se.station_name", .text),
        .init(.seriesDescription, .series, "se.series_description", .text),
        .init(.bodyPartExamined, .series, "se.body_part_examined", .text),
        .init(.seriesInstanceUID, .series, "se.uid", .uid),
        .init(.seriesNumber, .series, "se.series_number", .integer),
        .init(.performedProcedureStepStartDate, .series, "se.pps_start_date", .date),
        .init(.performedProcedureStepStartTime, .series, "se.pps_start_time", .time),
        .init(
            .requestedProcedureID, .series, "se.requested_procedure_id", .text, in: .requestAttributesSequence),
        .init(
            .scheduledProcedureStepID, .series, "se.scheduled_procedure_step_id", .text,
            in: .requestAttributesSequence),
        .init(.numberOfSeriesRelatedInstances, .series, "se.number_of_instances", .none),
    ]

    static let instance: [CatalogAttribute] = [
        .init(.sopClassUID, .instance, "i.sop_class_uid", .uid),
        .init(.sopInstanceUID, .instance, "i.sop_instance_uid", .uid),
        .init(.contentDate, .instance, "i.content_date", .date),
        .init(.contentTime, .instance, "i.content_time", .time),
        .init(.acquisitionDateTime, .instance, "i.acquisition_datetime", .dateTime),
        .init(.availableTransferSyntaxUID, .instance, "i.transfer_syntax_uid", .uid),
        .init(.instanceNumber, .instance, "i.instance_number", .integer),
        .init(.rows, .instance, "i.rows", .integer),
        .init(.columns, .instance, "i.columns", .integer),
        .init(.bitsAllocated, .instance, "i.bits_allocated", .integer),
        .init(.numberOfFrames, .instance, "i.number_of_frames", .integer),
    ]

    static func attributes(at level: QueryLevel) -> [CatalogAttribute] {
        switch level {
        case .patient, .study: return study
        case .series: return series
        case .instance: return instance
        }
    }

    /// The levels whose attributes a query at `level` can see, own level first.
    static func visibleLevels(from level: QueryLevel) -> [QueryLevel] {
        switch level {
        case .patient, .study: return [.study]
        case .series: return [.series, .study]
        case .instance: return [.instance, .series, .study]
        }
    }

    /// The attribute for `tag` as seen from `level` (own level wins, e.g. InstitutionName).
    static func lookup(_ tag: Tag, from level: QueryLevel) -> CatalogAttribute? {
        for l in visibleLevels(from: level) {
            if let a = attributes(at: l).first(where: { $0.tag == tag }) { return a }
        }
        return nil
    }

    /// Required return attributes of a level (PS3.18 Tables 10.6.3-3, -4, -5), SpecificCharacterSet aside.
    static func required(at level: QueryLevel) -> [Tag] {
        switch level {
        case .patient, .study:
            return [
                .studyDate, .studyTime, .accessionNumber, .modalitiesInStudy, .referringPhysicianName,
                .patientName, .patientID, .patientBirthDate, .patientSex, .studyInstanceUID, .studyID,
                .numberOfStudyRelatedSeries, .numberOfStudyRelatedInstances, .studyDescription,
            ]
        case .series:
            return [
                .modality, .seriesDescription, .seriesNumber, .seriesInstanceUID, .numberOfSeriesRelatedInstances,
                .performedProcedureStepStartDate, .performedProcedureStepStartTime,
            ]
        case .instance:
            return [.sopClassUID, .sopInstanceUID, .instanceNumber, .rows, .columns, .bitsAllocated, .numberOfFrames]
        }
    }
}
