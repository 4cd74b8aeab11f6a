"""Study generator: patients visiting several hospitals, each with its own identifiers.

Layout: OUT/<hospital>/<local PatientID>/<AccessionNumber>/<Modality>-<SeriesNumber>/<NNNN>.dcm
plus OUT/manifest.tsv (one row per file).
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field

import identity
from identity import Hospital, Person, make_uid
from p10 import Dataset, Item, TransferSyntax, encode_file
from phantom import ChestCT, HeadMR

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4"
NATIONAL_ID_ISSUER = "NNCHN"  # HL7 table 0203 "NN" (national number) + ISO 3166 "CHN"

MANIFEST_COLUMNS = ["path", "hospital", "issuer_of_patient_id", "patient_id", "national_id", "patient_name",
                    "sex", "birth_date", "study_instance_uid", "accession_number", "study_date", "modality",
                    "series_instance_uid", "series_number", "sop_instance_uid", "instance_number",
                    "transfer_syntax", "bytes"]


@dataclass
class StudyOptions:
    out: str
    patients: int = 3
    hospitals: int = 2
    ct_slices: int = 200
    mr_slices: int = 20
    ct_size: int = 512
    mr_size: int = 256
    syntax: TransferSyntax = None
    seed: int = 1
    modalities: str = "alternate"   # alternate | ct | mr | both


@dataclass
class Visit:
    person: Person
    hospital: Hospital
    visit_index: int           # 0 for the person's first hospital, 1 for the second...
    record_national_id: bool
    studies: list[dict] = field(default_factory=list)


def plan_visits(people: list[Person], hospitals: list[Hospital], seed: int) -> list[Visit]:
    """Each person visits one or two hospitals; each hospital issues its own local PatientID."""
    visits = []
    taken: dict[str, set[str]] = {h.code: set() for h in hospitals}
    count = len(hospitals)
    for person in people:
        chosen = [person.index % count]
        if count > 1 and person.index % 4 != 3:  # every fourth person is seen at one hospital only
            chosen.append((person.index + 1) % count)
        for visit_index, h in enumerate(chosen):
            hospital = hospitals[h]
            number = identity.stable_int(seed, hospital.code, person.resident_id) % 90000 + 10000
            while hospital.local_patient_id(number) in taken[hospital.code]:
                number += 1
            local = hospital.local_patient_id(number)
            taken[hospital.code].add(local)
            person.local_ids[hospital.code] = local
            # Real archives miss the national ID now and then: the third person's second visit.
            record = not (person.index % 5 == 2 and visit_index == 1)
            visits.append(Visit(person, hospital, visit_index, record))
    return visits


def patient_module(ds: Dataset, visit: Visit) -> None:
    person, hospital = visit.person, visit.hospital
    ds.set("SpecificCharacterSet", hospital.charset)
    ds.set("PatientName", person.patient_name(hospital.name_style))
    ds.set("PatientID", person.local_ids[hospital.code])
    ds.set("IssuerOfPatientID", hospital.code)
    if hospital.universal_entity_id:
        qualifiers = Dataset()
        qualifiers.set("UniversalEntityID", hospital.universal_entity_id)
        qualifiers.set("UniversalEntityIDType", "ISO")
        qualifiers.set("IdentifierTypeCode", "MR")
        ds.set("IssuerOfPatientIDQualifiersSequence", [Item(qualifiers)])
    ds.set("TypeOfPatientID", "TEXT")
    ds.set("PatientBirthDate", person.birth_date)
    ds.set("PatientSex", person.sex)
    if visit.record_national_id:
        other = Dataset()
        other.set("PatientID", person.resident_id)
        other.set("IssuerOfPatientID", NATIONAL_ID_ISSUER)
        other.set("TypeOfPatientID", "TEXT")
        qualifiers = Dataset()
        qualifiers.set("IdentifierTypeCode", "NN")
        other.set("IssuerOfPatientIDQualifiersSequence", [Item(qualifiers)])
        ds.set("OtherPatientIDsSequence", [Item(other)])


def study_plan(visit: Visit, modalities: str, seed: int) -> list[str]:
    if modalities == "ct":
        return ["CT"]
    if modalities == "mr":
        return ["MR"]
    if modalities == "both":
        return ["CT", "MR"]
    return ["CT" if (visit.person.index + visit.visit_index) % 2 == 0 else "MR"]


@dataclass
class StudyContext:
    visit: Visit
    modality: str
    study_uid: str
    accession: str
    date: str
    time: str
    description: str
    referring: str
    study_id: str


def make_study_context(visit: Visit, modality: str, seed: int, ordinal: int) -> StudyContext:
    rng = random.Random(f"study:{seed}:{visit.hospital.code}:{visit.person.resident_id}:{modality}")
    year = rng.randint(2023, 2025)
    date = f"{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    clock = f"{rng.randint(7, 19):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}"
    accession = f"{visit.hospital.code[-1]}{date[2:]}{rng.randint(0, 9999):04d}"
    if modality == "CT":
        description = "胸部CT平扫" if visit.hospital.chinese_descriptions else "CT CHEST W/O CONTRAST"
    else:
        description = "头颅MR平扫" if visit.hospital.chinese_descriptions else "MR BRAIN W/O CONTRAST"
    family, given, family_h, given_h = rng.choice(identity.PHYSICIANS)
    referring = f"{family}^{given}={family_h}^{given_h}"
    uid = make_uid(seed, "study", visit.hospital.code, visit.person.resident_id, modality, ordinal)
    return StudyContext(visit, modality, uid, accession, date, clock, description, referring, str(ordinal + 1))


def general_modules(ds: Dataset, study: StudyContext, sop_class: str, sop_uid: str) -> None:
    hospital = study.visit.hospital
    ds.set("SOPClassUID", sop_class)
    ds.set("SOPInstanceUID", sop_uid)
    ds.set("StudyDate", study.date)
    ds.set("SeriesDate", study.date)
    ds.set("ContentDate", study.date)
    ds.set("StudyTime", study.time)
    ds.set("SeriesTime", study.time)
    ds.set("ContentTime", study.time)
    ds.set("AccessionNumber", study.accession)
    ds.set("Modality", study.modality)
    ds.set("Manufacturer", "Yingyun Synthetic")
    ds.set("InstitutionName", hospital.name)
    ds.set("ReferringPhysicianName", study.referring)
    ds.set("StudyDescription", study.description)
    ds.set("StudyInstanceUID", study.study_uid)
    ds.set("StudyID", study.study_id)
    patient_module(ds, study.visit)
    ds.set("PatientAge", study.visit.person.age_on(study.date))


def image_pixel_module(ds: Dataset, rows: int, columns: int, bits_stored: int, signed: bool) -> None:
    ds.set("SamplesPerPixel", 1)
    ds.set("PhotometricInterpretation", "MONOCHROME2")
    ds.set("Rows", rows)
    ds.set("Columns", columns)
    ds.set("BitsAllocated", 16)
    ds.set("BitsStored", bits_stored)
    ds.set("HighBit", bits_stored - 1)
    ds.set("PixelRepresentation", 1 if signed else 0)


def ct_series(study: StudyContext, seed: int, slices: int, size: int, series_number: int = 1):
    """Yields (series_uid, series_number, instance_number, Dataset) for one axial CT series."""
    hospital = study.visit.hospital
    bits_stored = 12 if hospital.code.startswith("HOSP-A") else 16
    series_uid = make_uid(seed, "series", study.study_uid, series_number)
    frame_uid = make_uid(seed, "frame", study.study_uid)
    phantom = ChestCT(size, slices, seed=identity.stable_int(seed, series_uid) % (1 << 32), bits_stored=bits_stored)
    spacing = 360.0 / size
    thickness = 1.25
    origin = -180.0 + spacing / 2
    for k in range(slices):
        ds = Dataset()
        sop_uid = make_uid(seed, "sop", series_uid, k)
        general_modules(ds, study, CT_IMAGE_STORAGE, sop_uid)
        ds.set("ImageType", ["ORIGINAL", "PRIMARY", "AXIAL"])
        ds.set("SeriesDescription", "胸部 1.25mm" if hospital.chinese_descriptions else "CHEST 1.25mm")
        ds.set("BodyPartExamined", "CHEST")
        ds.set("SliceThickness", thickness)
        ds.set("KVP", 120)
        ds.set("ConvolutionKernel", "STANDARD")
        ds.set("PatientPosition", "HFS")
        ds.set("SeriesInstanceUID", series_uid)
        ds.set("SeriesNumber", series_number)
        ds.set("AcquisitionNumber", 1)
        ds.set("InstanceNumber", k + 1)
        z = -250.0 + k * thickness
        ds.set("ImagePositionPatient", [origin, origin, z])
        ds.set("ImageOrientationPatient", [1, 0, 0, 0, 1, 0])
        ds.set("FrameOfReferenceUID", frame_uid)
        ds.set("PositionReferenceIndicator", "")
        ds.set("SliceLocation", z)
        image_pixel_module(ds, size, size, bits_stored, True)
        ds.set("PixelSpacing", [spacing, spacing])
        ds.set("PixelPaddingValue", phantom.padding, vr="SS")
        ds.set("WindowCenter", [40, -600])
        ds.set("WindowWidth", [400, 1500])
        ds.set("WindowCenterWidthExplanation", ["MEDIASTINUM", "LUNG"])
        ds.set("RescaleIntercept", -1024)
        ds.set("RescaleSlope", 1)
        ds.set("RescaleType", "HU")
        ds.set("PixelData", phantom.slice(k))
        yield series_uid, series_number, k + 1, ds


def mr_series(study: StudyContext, seed: int, slices: int, size: int, series_number: int, weighting: str):
    hospital = study.visit.hospital
    series_uid = make_uid(seed, "series", study.study_uid, series_number)
    frame_uid = make_uid(seed, "frame", study.study_uid)
    phantom = HeadMR(size, slices, seed=identity.stable_int(seed, series_uid) % (1 << 32))
    spacing = 240.0 / size
    thickness = 5.0
    origin = -120.0 + spacing / 2
    t1 = weighting == "T1"
    for k in range(slices):
        ds = Dataset()
        sop_uid = make_uid(seed, "sop", series_uid, k)
        general_modules(ds, study, MR_IMAGE_STORAGE, sop_uid)
        ds.set("ImageType", ["ORIGINAL", "PRIMARY", "M", "ND"])
        if hospital.chinese_descriptions:
            ds.set("SeriesDescription", f"轴位 {weighting}WI")
        else:
            ds.set("SeriesDescription", f"AX {weighting}")
        ds.set("BodyPartExamined", "HEAD")
        ds.set("ScanningSequence", "SE")
        ds.set("SequenceVariant", "NONE")
        ds.set("MRAcquisitionType", "2D")
        ds.set("SliceThickness", thickness)
        ds.set("RepetitionTime", 500 if t1 else 4000)
        ds.set("EchoTime", 12 if t1 else 100)
        ds.set("MagneticFieldStrength", 3 if hospital.code.endswith("A") else 1.5)
        ds.set("ImagedNucleus", "1H")
        ds.set("ProtocolName", f"AX_{weighting}_SE")
        ds.set("PatientPosition", "HFS")
        ds.set("SeriesInstanceUID", series_uid)
        ds.set("SeriesNumber", series_number)
        ds.set("InstanceNumber", k + 1)
        z = -40.0 + k * thickness
        ds.set("ImagePositionPatient", [origin, origin, z])
        ds.set("ImageOrientationPatient", [1, 0, 0, 0, 1, 0])
        ds.set("FrameOfReferenceUID", frame_uid)
        ds.set("PositionReferenceIndicator", "")
        ds.set("SliceLocation", z)
        image_pixel_module(ds, size, size, 12, False)
        ds.set("PixelSpacing", [spacing, spacing])
        ds.set("WindowCenter", 600 if t1 else 800)
        ds.set("WindowWidth", 1200 if t1 else 1800)
        ds.set("PixelData", phantom.slice(k, weighting))
        yield series_uid, series_number, k + 1, ds


def safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def generate(options: StudyOptions, log=print) -> list[dict]:
    """Writes the studies; returns the manifest rows."""
    started = time.monotonic()
    hospitals = identity.make_hospitals(options.hospitals, options.seed)
    people = identity.make_people(options.patients, options.seed)
    visits = plan_visits(people, hospitals, options.seed)
    rows = []
    os.makedirs(options.out, exist_ok=True)
    for visit in visits:
        for ordinal, modality in enumerate(study_plan(visit, options.modalities, options.seed)):
            study = make_study_context(visit, modality, options.seed, ordinal)
            if modality == "CT":
                instances = ct_series(study, options.seed, options.ct_slices, options.ct_size)
            else:
                def both():
                    yield from mr_series(study, options.seed, options.mr_slices, options.mr_size, 1, "T1")
                    yield from mr_series(study, options.seed, options.mr_slices, options.mr_size, 2, "T2")
                instances = both()
            person, hospital = visit.person, visit.hospital
            for series_uid, series_number, number, ds in instances:
                rel = os.path.join(hospital.code, safe_name(person.local_ids[hospital.code]),
                                   safe_name(study.accession), f"{modality}-{series_number}", f"{number:04d}.dcm")
                path = os.path.join(options.out, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                data = encode_file(ds, options.syntax)
                with open(path, "wb") as f:
                    f.write(data)
                rows.append({
                    "path": rel, "hospital": hospital.name, "issuer_of_patient_id": hospital.code,
                    "patient_id": person.local_ids[hospital.code],
                    "national_id": person.resident_id if visit.record_national_id else "",
                    "patient_name": person.patient_name(hospital.name_style), "sex": person.sex,
                    "birth_date": person.birth_date, "study_instance_uid": study.study_uid,
                    "accession_number": study.accession, "study_date": study.date, "modality": modality,
                    "series_instance_uid": series_uid, "series_number": str(series_number),
                    "sop_instance_uid": ds.get(0x00080018), "instance_number": str(number),
                    "transfer_syntax": options.syntax.uid, "bytes": str(len(data)),
                })
    rows.sort(key=lambda r: r["path"])
    write_manifest(os.path.join(options.out, "manifest.tsv"), rows)
    log(f"wrote {len(rows)} files, {sum(int(r['bytes']) for r in rows) / 1e6:.1f} MB "
        f"in {time.monotonic() - started:.2f} s to {options.out}")
    return rows


def write_manifest(path: str, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(MANIFEST_COLUMNS) + "\n")
        for row in rows:
            f.write("\t".join(row[c] for c in MANIFEST_COLUMNS) + "\n")


def bench_ct(out: str, slices: int, syntax: TransferSyntax, seed: int, size: int = 512, log=print) -> list[str]:
    """One CT series of `slices` slices written flat into `out` (benchmark input)."""
    started = time.monotonic()
    hospitals = identity.make_hospitals(1, seed)
    people = identity.make_people(1, seed)
    visit = plan_visits(people, hospitals, seed)[0]
    study = make_study_context(visit, "CT", seed, 0)
    os.makedirs(out, exist_ok=True)
    paths = []
    total = 0
    for _, _, number, ds in ct_series(study, seed, slices, size):
        path = os.path.join(out, f"{number:04d}.dcm")
        data = encode_file(ds, syntax)
        with open(path, "wb") as f:
            f.write(data)
        total += len(data)
        paths.append(path)
    log(f"wrote {len(paths)} CT slices, {total / 1e6:.1f} MB in {time.monotonic() - started:.2f} s to {out}")
    return paths
