import GRDB

/// The catalog's tables, as append-only GRDB migrations: a released migration is never edited;
/// a change is a new "vN-..." migration appended below.
///
/// Text is stored decoded to UTF-8 whatever the received Specific Character Set; an absent or
/// empty value is NULL (so range and single-value matching never match it). Person names keep
/// all component groups as received ("Zhang^Wei=张^伟=zhang^wei") plus normalised per-group
/// upper-cased columns (`*_a`, `*_i`, `*_p`) for case-insensitive matching and a `*_words`
/// column of all components (upper-cased, accents removed) for fuzzy matching.
enum CatalogSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-patients-studies-series-instances") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-patient-master-index") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-candidate-search-queue") { db in
            try db.execute(sql: v3)
        }
        return migrator
    }

    private static let v1 = """
        CREATE TABLE master_patient (
            id INTEGER PRIMARY KEY,
            created_at REAL NOT NULL
        );
        CREATE TABLE local_identity (
            id INTEGER PRIMARY KEY,
            patient_id TEXT NOT NULL,
            issuer TEXT NOT NULL,
            master_id INTEGER NOT NULL REFERENCES master_patient(id),
            name TEXT,
            birth_date TEXT,
            sex TEXT,
            UNIQUE (patient_id, issuer)
        );
        CREATE INDEX local_identity_by_master ON local_identity(master_id);
        CREATE TABLE trusted_identifier (
            id INTEGER PRIMARY KEY,
            issuer TEXT NOT NULL,
            value TEXT NOT NULL,
            master_id INTEGER NOT NULL REFERENCES master_patient(id),
            local_identity_id INTEGER NOT NULL REFERENCES local_identity(id),
            UNIQUE (issuer, value)
        );
        CREATE INDEX trusted_identifier_by_master ON trusted_identifier(master_id);
        CREATE TABLE identity_conflict (
            id INTEGER PRIMARY KEY,
            local_identity_id INTEGER NOT NULL REFERENCES local_identity(id),
            kept_master_id INTEGER NOT NULL REFERENCES master_patient(id),
            other_master_id INTEGER NOT NULL,
            issuer TEXT NOT NULL,
            value TEXT NOT NULL,
            study_uid TEXT,
            detected_at REAL NOT NULL
        );
        CREATE TABLE study (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            master_id INTEGER NOT NULL REFERENCES master_patient(id),
            local_identity_id INTEGER NOT NULL REFERENCES local_identity(id),
            study_date TEXT,
            study_time TEXT,
            accession_number TEXT,
            accession_issuer TEXT,
            referring_physician_name TEXT,
            referring_physician_name_a TEXT,
            referring_physician_name_i TEXT,
            referring_physician_name_p TEXT,
            referring_physician_name_words TEXT,
            study_id TEXT,
            study_description TEXT,
            patient_name TEXT,
            patient_name_a TEXT,
            patient_name_i TEXT,
            patient_name_p TEXT,
            patient_name_words TEXT,
            patient_id TEXT,
            patient_issuer TEXT,
            patient_birth_date TEXT,
            patient_sex TEXT,
            institution_name TEXT,
            modalities_in_study TEXT,
            number_of_series INTEGER NOT NULL DEFAULT 0,
            number_of_instances INTEGER NOT NULL DEFAULT 0,
            updated_at REAL NOT NULL
        );
        CREATE INDEX study_by_master ON study(master_id, study_date);
        CREATE INDEX study_by_date ON study(study_date DESC, uid);
        CREATE INDEX study_by_accession ON study(accession_number);
        CREATE INDEX study_by_patient_id ON study(patient_id);
        CREATE INDEX study_by_patient_name_a ON study(patient_name_a);
        CREATE INDEX study_by_patient_name_i ON study(patient_name_i);
        CREATE INDEX study_by_patient_name_p ON study(patient_name_p);
        CREATE INDEX study_by_local_identity ON study(local_identity_id);
        CREATE TABLE series (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            study_id INTEGER NOT NULL REFERENCES study(id),
            modality TEXT,
            series_number INTEGER,
            series_description TEXT,
            body_part_examined TEXT,
            pps_start_date TEXT,
            pps_start_time TEXT,
            scheduled_procedure_step_id TEXT,
            requested_procedure_id TEXT,
            series_date TEXT,
            series_time TEXT,
            institution_name TEXT,
            station_name TEXT,
            number_of_instances INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX series_by_study ON series(study_id, series_number);
        CREATE TABLE instance (
            id INTEGER PRIMARY KEY,
            sop_instance_uid TEXT NOT NULL UNIQUE,
            series_id INTEGER NOT NULL REFERENCES series(id),
            sop_class_uid TEXT NOT NULL,
            instance_number INTEGER,
            rows INTEGER,
            columns INTEGER,
            bits_allocated INTEGER,
            number_of_frames INTEGER,
            content_date TEXT,
            content_time TEXT,
            acquisition_datetime TEXT,
            transfer_syntax_uid TEXT NOT NULL,
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            pixel_data_offset INTEGER,
            frames BLOB NOT NULL,
            source TEXT NOT NULL,
            received_at REAL NOT NULL
        );
        CREATE INDEX instance_by_series ON instance(series_id, instance_number);
        CREATE TABLE instance_history (
            id INTEGER PRIMARY KEY,
            sop_instance_uid TEXT NOT NULL,
            old_digest TEXT NOT NULL,
            replaced_at REAL NOT NULL
        );
        CREATE INDEX instance_history_by_uid ON instance_history(sop_instance_uid);
        """

    /// The patient master index: link provenance, folded name groups (review-candidate search:
    /// `Demographics.fold`), merged masters, every identifier a local
    /// identity presented (trusted, invalid, conflicting), review candidates, the audit trail,
    /// and procedure codes for prior-study lookup by exam item.
    private static let v2 = """
        ALTER TABLE master_patient ADD COLUMN merged_into INTEGER REFERENCES master_patient(id);
        ALTER TABLE local_identity ADD COLUMN link_rule TEXT NOT NULL DEFAULT 'new';
        ALTER TABLE local_identity ADD COLUMN link_operator TEXT;
        ALTER TABLE local_identity ADD COLUMN link_reason TEXT;
        ALTER TABLE local_identity ADD COLUMN linked_at REAL;
        ALTER TABLE local_identity ADD COLUMN name_alphabetic TEXT;
        ALTER TABLE local_identity ADD COLUMN name_ideographic TEXT;
        ALTER TABLE local_identity ADD COLUMN name_phonetic TEXT;
        CREATE INDEX local_identity_by_birth_date_ideographic ON local_identity(birth_date, name_ideographic);
        CREATE INDEX local_identity_by_birth_date_alphabetic ON local_identity(birth_date, name_alphabetic);
        CREATE INDEX local_identity_by_birth_date_phonetic ON local_identity(birth_date, name_phonetic);
        CREATE INDEX local_identity_by_issuer ON local_identity(issuer);
        CREATE INDEX trusted_identifier_by_local_identity ON trusted_identifier(local_identity_id);
        ALTER TABLE identity_conflict ADD COLUMN kind TEXT NOT NULL DEFAULT 'masters';
        CREATE TABLE identity_identifier (
            id INTEGER PRIMARY KEY,
            local_identity_id INTEGER NOT NULL REFERENCES local_identity(id),
            issuer TEXT NOT NULL,
            value TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            first_seen REAL NOT NULL,
            UNIQUE (local_identity_id, issuer, value)
        );
        CREATE TABLE review_candidate (
            id INTEGER PRIMARY KEY,
            local_identity_a INTEGER NOT NULL REFERENCES local_identity(id),
            local_identity_b INTEGER NOT NULL REFERENCES local_identity(id),
            score REAL NOT NULL,
            reasons TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',
            created_at REAL NOT NULL,
            UNIQUE (local_identity_a, local_identity_b)
        );
        CREATE INDEX review_candidate_by_status ON review_candidate(status, score DESC);
        CREATE TABLE mpi_audit (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            operator TEXT NOT NULL,
            action TEXT NOT NULL,
            reason TEXT NOT NULL,
            master_id INTEGER,
            other_master_id INTEGER,
            local_identity_id INTEGER,
            moved TEXT,
            previous TEXT,
            reverses INTEGER REFERENCES mpi_audit(id),
            reversed_by INTEGER REFERENCES mpi_audit(id)
        );
        CREATE INDEX mpi_audit_by_master ON mpi_audit(master_id, action);
        CREATE INDEX mpi_audit_by_local_identity ON mpi_audit(local_identity_id, action);
        ALTER TABLE study ADD COLUMN procedure_codes TEXT;
        """

    /// Review-candidate searches leave the ingest transaction: ingest queues the new local
    /// identity (`candidate_search`, committed with its rows, so a crash cannot lose it) and
    /// `CandidateSearchQueue` scores it later. Plus the indexes the conflict check and the
    /// empty-master cleanup of a relink were scanning their tables without.
    private static let v3 = """
        CREATE TABLE candidate_search (
            local_identity_id INTEGER PRIMARY KEY REFERENCES local_identity(id),
            queued_at REAL NOT NULL
        );
        CREATE INDEX identity_conflict_by_local_identity ON identity_conflict(local_identity_id, issuer, value);
        CREATE INDEX identity_conflict_by_kept_master ON identity_conflict(kept_master_id);
        CREATE INDEX master_patient_by_merged_into ON master_patient(merged_into) WHERE merged_into IS NOT NULL;
        CREATE INDEX mpi_audit_by_other_master ON mpi_audit(other_master_id);
        """
}
