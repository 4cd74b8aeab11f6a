#!/usr/bin/env python3
"""Yingyun synthetic DICOM generator.

  yingyun_synth.py study    --out DIR [--patients N] [--hospitals H] [--ct-slices 200] [--mr-slices 20]
                            [--transfer-syntax explicit|implicit|big|deflate] [--seed S] [--check]
  yingyun_synth.py bench-ct --out DIR [--slices 200] [--transfer-syntax ...] [--seed S] [--check]
  yingyun_synth.py fixtures --out Fixtures [--check]
  yingyun_synth.py mpi      --out DIR [--patients 60] [--hospitals 4] [--seed S]
  yingyun_synth.py check FILE...

Files are written by our own Part 10 writer (p10.py); pydicom and dcmdump are only used to
check the output.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import identity  # noqa: E402
import oracle  # noqa: E402
import studies  # noqa: E402
from p10 import SYNTAX_BY_OPTION  # noqa: E402


def check_study(out: str, rows: list[dict], limit: int = 12) -> bool:
    """Reads a sample of the written files back with pydicom and dcmdump and compares key values."""
    by_series: dict[str, list[dict]] = {}
    for row in rows:
        by_series.setdefault(row["series_instance_uid"], []).append(row)
    sample = []
    for series_rows in by_series.values():
        sample += [series_rows[0], series_rows[-1]] if len(series_rows) > 1 else series_rows
    sample = sample[:limit]
    ok = True
    for row in sample:
        path = os.path.join(out, row["path"])
        outcome, note, ds = oracle.pydicom_check(path)
        problems = [] if outcome == "ok" else [f"pydicom {outcome}: {note}"]
        if ds is not None:
            if ds.PatientID != row["patient_id"]:
                problems.append(f"PatientID {ds.PatientID!r}")
            if str(ds.PatientName) != row["patient_name"]:
                problems.append(f"PatientName {str(ds.PatientName)!r} != {row['patient_name']!r}")
            if ds.SOPInstanceUID != row["sop_instance_uid"]:
                problems.append("SOPInstanceUID")
            others = ds.get("OtherPatientIDsSequence")
            if row["national_id"]:
                if not others or others[0].PatientID != row["national_id"] or others[0].IssuerOfPatientID != "NNCHN":
                    problems.append("OtherPatientIDsSequence")
                elif not identity.is_valid_resident_id(others[0].PatientID):
                    problems.append("resident ID check character")
            pixels = ds.pixel_array
            if pixels.shape != (ds.Rows, ds.Columns):
                problems.append(f"pixel shape {pixels.shape}")
            if ds.Modality == "CT":
                centre = pixels[ds.Rows // 2, ds.Columns // 2] * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
                if not -300 < centre < 1000:  # the centre of the phantom is soft tissue or bone
                    problems.append(f"CT centre {centre} HU")
        dump_outcome, dump_note = oracle.dcmdump_check(path)
        if dump_outcome not in ("ok", "skipped"):
            problems.append(f"dcmdump {dump_outcome}: {dump_note}")
        status = "ok" if not problems else "FAIL " + "; ".join(problems)
        ok = ok and not problems
        print(f"check {row['path']}: {status}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yingyun_synth.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def syntax_option(p):
        p.add_argument("--transfer-syntax", choices=sorted(SYNTAX_BY_OPTION), default="explicit")
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--check", action="store_true", help="read a sample back with pydicom and dcmdump")

    study = sub.add_parser("study", help="patients x hospitals with CT and MR studies")
    study.add_argument("--out", required=True)
    study.add_argument("--patients", type=int, default=3)
    study.add_argument("--hospitals", type=int, default=2)
    study.add_argument("--ct-slices", type=int, default=200)
    study.add_argument("--mr-slices", type=int, default=20)
    study.add_argument("--ct-size", type=int, default=512, help="CT rows = columns")
    study.add_argument("--mr-size", type=int, default=256, help="MR rows = columns")
    study.add_argument("--modalities", choices=["alternate", "ct", "mr", "both"], default="alternate",
                       help="studies per visit: alternate CT/MR (default), CT only, MR only, or both")
    syntax_option(study)

    bench = sub.add_parser("bench-ct", help="one CT series in one directory (benchmark input)")
    bench.add_argument("--out", required=True)
    bench.add_argument("--slices", type=int, default=200)
    bench.add_argument("--size", type=int, default=512)
    syntax_option(bench)

    fixtures = sub.add_parser("fixtures", help="write Fixtures/dicom, Fixtures/MANIFEST.tsv, Fixtures/README.md")
    fixtures.add_argument("--out", default="Fixtures")
    fixtures.add_argument("--check", action="store_true",
                          help="compare pydicom and dcmdump outcomes with the expectations in the manifest")

    mpi = sub.add_parser("mpi", help="multi-hospital population for the patient master index (+ truth.json)")
    mpi.add_argument("--out", required=True)
    mpi.add_argument("--patients", type=int, default=60)
    mpi.add_argument("--hospitals", type=int, default=4)
    mpi.add_argument("--seed", type=int, default=1)

    check = sub.add_parser("check", help="read files with pydicom and dcmdump and say what they report")
    check.add_argument("files", nargs="+")
    check.add_argument("--force", action="store_true", help="pydicom force=True (files without a preamble)")

    args = parser.parse_args(argv)
    if args.command == "study":
        options = studies.StudyOptions(
            out=args.out, patients=args.patients, hospitals=args.hospitals, ct_slices=args.ct_slices,
            mr_slices=args.mr_slices, ct_size=args.ct_size, mr_size=args.mr_size,
            syntax=SYNTAX_BY_OPTION[args.transfer_syntax], seed=args.seed, modalities=args.modalities)
        rows = studies.generate(options)
        if args.check and not check_study(args.out, rows):
            return 1
        return 0
    if args.command == "bench-ct":
        paths = studies.bench_ct(args.out, args.slices, SYNTAX_BY_OPTION[args.transfer_syntax], args.seed, args.size)
        if args.check:
            failed = False
            for path in (paths[0], paths[-1]):
                outcome, note, _ = oracle.pydicom_check(path)
                dump, dump_note = oracle.dcmdump_check(path)
                print(f"check {path}: pydicom {outcome} {note} / dcmdump {dump} {dump_note}")
                failed = failed or outcome != "ok" or dump not in ("ok", "skipped")
            return 1 if failed else 0
        return 0
    if args.command == "fixtures":
        import fixtures as fixture_module
        fixture_module.write_all(args.out)
        if args.check:
            return 0 if fixture_module.check_all(args.out) else 1
        return 0
    if args.command == "mpi":
        import mpi_population
        mpi_population.write(args.out, args.patients, args.hospitals, args.seed)
        return 0
    if args.command == "check":
        for path in args.files:
            outcome, note, _ = oracle.pydicom_check(path, force=args.force)
            dump, dump_note = oracle.dcmdump_check(path)
            print(f"{path}\tpydicom {outcome}: {note}\tdcmdump {dump}: {dump_note}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
