// The ingest pipeline, retrieval and verification.
