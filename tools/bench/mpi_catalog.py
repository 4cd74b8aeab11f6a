#!/usr/bin/env python3
"""Writes a synthetic catalog for the patient-master-index benchmark straight into SQLite.

Usage: tools/bench/mpi_catalog.py CATALOG.sqlite [--patients 1000000] [--hospitals 20]
                                  [--instances-per-series 5] [--seed 1]

The schema must exist (the benchmark script opens the data directory with `yingyun` first, so
the catalog's own migrations create it). Per patient: one master, one or two local identities at
different hospitals (every other patient is seen at two), a valid GB 11643 national ID as the
trusted identifier, two studies on average ((1, 2, 3, 2)[p % 4]) (one series each) of `instances-per-series`
instances. 1 M patients -> 1.5 M identities, 2 M studies, 10 M instance rows. Rows go in with
prepared statements, one transaction per chunk of 20,000 patients. Invented data only.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "synth"))
import identity  # noqa: E402

EXAMS = [("CT", "CHEST", "CT-CHEST", "胸部CT平扫"), ("MR", "HEAD", "MR-HEAD", "头颅MR平扫"),
         ("CR", "CHEST", "XR-CHEST-PA", "胸部正位片"), ("CT", "ABDOMEN", "CT-ABD", "腹部CT增强"),
         ("US", "ABDOMEN", "US-ABD", "腹部超声"), ("DX", "KNEE", "XR-KNEE", "膝关节正侧位")]
SOP_CLASS = {"CT": "1.2.840.10008.5.1.4.1.1.2", "MR": "1.2.840.10008.5.1.4.1.1.4", "CR": "1.2.840.10008.5.1.4.1.1.1",
             "US": "1.2.840.10008.5.1.4.1.1.6.1", "DX": "1.2.840.10008.5.1.4.1.1.1.1"}
FRAMES = bytes([1, 1, 0, 0, 0, 1, 0, 0, 0]) + (1000).to_bytes(8, "little") + (525288).to_bytes(8, "little")


def fold(group: str) -> str | None:
    """Demographics.fold in the catalog: NFKC, marks/spaces/dashes/punctuation and ^ removed, upper-cased."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", group))
    kept = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Zs", "Pd", "Po", "Sm") and c not in "^ '")
    return kept.upper() or None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("catalog")
    ap.add_argument("--patients", type=int, default=1_000_000)
    ap.add_argument("--hospitals", type=int, default=20)
    ap.add_argument("--instances-per-series", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=20_000)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    db = sqlite3.connect(args.catalog, isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -1000000")
    if db.execute("SELECT COUNT(*) FROM master_patient").fetchone()[0]:
        print("the catalog is not empty", file=sys.stderr)
        return 1
    hospitals = [(f"HOSP-{k:02d}", f"影云合成医院 {k:02d}") for k in range(args.hospitals)]
    weights = identity.RESIDENT_ID_WEIGHTS
    checks = identity.RESIDENT_ID_CHECK
    started = time.monotonic()
    local_id = study_id = series_id = instance_id = 0
    now = time.time()
    ips = args.instances_per_series
    used: set[str] = set()
    for start in range(1, args.patients + 1, args.chunk):
        masters, locals_, trusted, idents, studies, series, instances = [], [], [], [], [], [], []
        for p in range(start, min(start + args.chunk, args.patients + 1)):
            sex = "M" if p % 2 else "F"
            year, month, day = rng.randint(1930, 2020), rng.randint(1, 12), rng.randint(1, 28)
            birth = f"{year:04d}{month:02d}{day:02d}"
            seq = p % 1000
            if (seq % 2 == 1) != (sex == "M"):
                seq = (seq + 1) % 1000
            first17 = f"{identity.REGIONS[p % len(identity.REGIONS)]}{birth}{seq:03d}"
            while first17 in used:  # national IDs are unique: next sequence number of the same parity
                seq = (seq + 2) % 1000
                first17 = f"{identity.REGIONS[p % len(identity.REGIONS)]}{birth}{seq:03d}"
            used.add(first17)
            nid = first17 + checks[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
            fam = identity.SURNAMES[rng.randrange(len(identity.SURNAMES))]
            giv = identity.GIVEN_NAMES[sex][rng.randrange(10)]
            name = f"{fam[0]}^{giv[0]}={fam[1]}^{giv[1]}"
            keys = (fold(fam[0] + giv[0]), fold(fam[1] + giv[1]))
            masters.append((p, now))
            seen = [hospitals[p % len(hospitals)]] + ([hospitals[(p * 7 + 3) % len(hospitals)]] if p % 2 == 0 else [])
            mine = []
            for h in seen:
                local_id += 1
                mine.append((local_id, h))
                pid = f"{h[0][-2:]}{p:08d}"
                locals_.append((local_id, pid, h[0], p, name, birth, sex,
                                "new" if len(mine) == 1 else "trusted-identifier", now, keys[0], keys[1]))
                idents.append((local_id, "NNCHN", nid, "trusted", now))
            trusted.append(("NNCHN", nid, p, mine[0][0]))
            for k in range((1, 2, 3, 2)[p % 4]):  # two studies per patient on average
                lid, h = mine[k % len(mine)]
                study_id += 1
                modality, part, code, desc = EXAMS[rng.randrange(len(EXAMS))]
                date = f"{rng.randint(2020, 2026):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                uid = f"1.2.826.0.1.3680043.10.1.{10**9 + study_id}"
                studies.append((study_id, uid, p, lid, date, "101500", f"A{study_id}", desc, name, f"{h[0][-2:]}{p:08d}",
                                h[0], birth, sex, h[1], modality, 1, ips, code, now))
                series_id += 1
                series.append((series_id, uid + ".1", study_id, modality, 1, desc, part, date, h[1], ips))
                for n in range(1, ips + 1):
                    instance_id += 1
                    instances.append((f"{uid}.1.{n}", series_id, SOP_CLASS[modality], n, 512, 512, 16, date,
                                      "1.2.840.10008.1.2.1", f"{instance_id:064x}", 525288, 1000, FRAMES,
                                      "BENCH", now))
        db.execute("BEGIN")
        db.executemany("INSERT INTO master_patient (id, created_at) VALUES (?, ?)", masters)
        db.executemany("""INSERT INTO local_identity (id, patient_id, issuer, master_id, name, birth_date, sex, link_rule,
                          linked_at, name_alphabetic, name_ideographic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                       locals_)
        db.executemany("INSERT INTO trusted_identifier (issuer, value, master_id, local_identity_id) VALUES (?, ?, ?, ?)",
                       trusted)
        db.executemany("""INSERT INTO identity_identifier (local_identity_id, issuer, value, status, first_seen)
                          VALUES (?, ?, ?, ?, ?)""", idents)
        db.executemany("""INSERT INTO study (id, uid, master_id, local_identity_id, study_date, study_time,
                          accession_number, study_description, patient_name, patient_id, patient_issuer,
                          patient_birth_date, patient_sex, institution_name, modalities_in_study, number_of_series,
                          number_of_instances, procedure_codes, updated_at)
                          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", studies)
        db.executemany("""INSERT INTO series (id, uid, study_id, modality, series_number, series_description,
                          body_part_examined, series_date, institution_name, number_of_instances)
                          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", series)
        db.executemany("""INSERT INTO instance (sop_instance_uid, series_id, sop_class_uid, instance_number, rows,
                          columns, bits_allocated, content_date, transfer_syntax_uid, digest, size, pixel_data_offset,
                          frames, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                       instances)
        db.execute("COMMIT")
        done = min(start + args.chunk - 1, args.patients)
        print(f"  {done:,} patients, {study_id:,} studies, {instance_id:,} instances "
              f"({time.monotonic() - started:.0f} s)", flush=True)
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"catalog: {args.patients:,} patients, {local_id:,} local identities, {study_id:,} studies, "
          f"{instance_id:,} instance rows in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
