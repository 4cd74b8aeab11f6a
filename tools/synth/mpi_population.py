"""Multi-hospital population for the patient master index (issue 6).

N invented people, each seen at two or three hospitals under that hospital's own PatientID,
most visits carrying the national resident ID (OtherPatientIDsSequence, issuer NNCHN). Planted
cases, each listed in truth.json so tests can assert them:
  - linked:     visits of one person that carry a valid national ID -> one master
  - untrusted:  a visit without any national ID (every 7th person, i % 7 == 3) -> own master,
                in the review queue with the person's other identities
  - invalid:    a visit whose national ID has a wrong check character (i % 11 == 5) -> not
                trusted, reported, own master
  - lookalike:  for every 10th person a different person with the same name, birth date and
                sex but another national ID -> own master, in the review queue
  - conflict:   a later study of one local identity carrying someone else's national ID
                (i % 13 == 7) -> no merge, a conflict recorded
One small image (8x8) per study; modality, body part and procedure code vary for prior lookups.
"""

from __future__ import annotations

import json
import os
import random

import identity
from p10 import Dataset, Item, encode_file, EXPLICIT_LE
from studies import NATIONAL_ID_ISSUER

EXAMS = [("CT", "CHEST", "CT-CHEST", "胸部CT平扫"), ("MR", "HEAD", "MR-HEAD", "头颅MR平扫"),
         ("CR", "CHEST", "XR-CHEST-PA", "胸部正位片"), ("CT", "ABDOMEN", "CT-ABD", "腹部CT增强")]
SOP_CLASS = {"CT": "1.2.840.10008.5.1.4.1.1.2", "MR": "1.2.840.10008.5.1.4.1.1.4", "CR": "1.2.840.10008.5.1.4.1.1.1"}


def corrupt_check(resident_id: str) -> str:
    good = resident_id[-1]
    bad = "0" if good != "0" else "1"
    return resident_id[:-1] + bad


def plan(patients: int, hospitals_count: int, seed: int, first_local_id: int = 10001) -> tuple[list[dict], dict]:
    rng = random.Random(f"mpi:{seed}")
    hospitals = identity.make_hospitals(hospitals_count, seed)
    people = identity.make_people(patients, seed)
    visits: list[dict] = []
    truth = {"identities": [], "lookalikes": [], "untrusted": [], "invalid": [], "conflicts": []}
    counter = [0]

    def local_id(hospital, person_key) -> str:
        counter[0] += 1
        return hospital.local_patient_id(counter[0] + first_local_id - 1)

    def visit(person, key, hospital, national, kind, day):
        pid = local_id(hospital, key)
        exam = EXAMS[(key + day) % len(EXAMS)]
        visits.append({"person": key, "hospital": hospital, "patient_id": pid, "national_id": national,
                       "name": person.patient_name(hospital.name_style), "birth_date": person.birth_date,
                       "sex": person.sex, "exam": exam, "date": f"2026{(day % 11) + 1:02d}{(key % 27) + 1:02d}",
                       "ordinal": len(visits)})
        ident = {"authority": hospital.code, "value": pid, "person": key, "kind": kind}
        truth["identities"].append(ident)
        return ident

    twin_key = patients
    for person in people:
        i = person.index
        count = 3 if i % 3 == 0 else 2
        first = i % len(hospitals)
        chosen = [hospitals[(first + k) % len(hospitals)] for k in range(min(count, len(hospitals)))]
        idents = []
        for k, hospital in enumerate(chosen):
            last = k == len(chosen) - 1 and k > 0
            if last and i % 7 == 3:
                ident = visit(person, i, hospital, None, "untrusted", k)
                truth["untrusted"].append(ident)
            elif last and i % 11 == 5:
                bad = corrupt_check(person.resident_id)
                ident = visit(person, i, hospital, bad, "invalid", k)
                truth["invalid"].append({**ident, "national_id": bad})
            else:
                ident = visit(person, i, hospital, person.resident_id, "trusted", k)
            idents.append(ident)
        if i % 13 == 7:
            # The first identity's later study carries another person's (valid) national ID.
            other = people[(i + 1) % len(people)].resident_id
            v = dict(next(v for v in visits if v["patient_id"] == idents[0]["value"]
                          and v["hospital"].code == idents[0]["authority"]))
            v.update(national_id=other, ordinal=len(visits), date="20261101")
            visits.append(v)
            truth["conflicts"].append({**idents[0], "national_id": other})
        if i % 10 == 0:
            twin = identity.Person(twin_key, person.family_pinyin, person.given_pinyin, person.family_hanzi,
                                   person.given_hanzi, person.sex, person.birth_date,
                                   identity.make_resident_id(identity.REGIONS[(i + 1) % len(identity.REGIONS)],
                                                             person.birth_date, rng.randint(0, 999), person.sex))
            hospital = hospitals[(first + 1) % len(hospitals)]
            t = visit(twin, twin_key, hospital, twin.resident_id, "trusted", 0)
            truth["lookalikes"].append([idents[0], t])
            twin_key += 1
    for person in people:
        truth.setdefault("national_ids", {})[str(person.index)] = person.resident_id
    return visits, truth


def write(out: str, patients: int, hospitals: int, seed: int, log=print, first_local_id: int = 10001) -> dict:
    """`first_local_id`: the hospitals' PatientIDs count from here (benchmarks pass a fresh range
    per population, so a new population never reuses an earlier one's local identities)."""
    visits, truth = plan(patients, hospitals, seed, first_local_id)
    os.makedirs(out, exist_ok=True)
    for v in visits:
        hospital = v["hospital"]
        modality, body_part, code, description = v["exam"]
        study_uid = identity.make_uid(seed, "mpi-study", v["ordinal"])
        ds = Dataset()
        ds.set("SpecificCharacterSet", hospital.charset)
        ds.set("SOPClassUID", SOP_CLASS[modality])
        ds.set("SOPInstanceUID", identity.make_uid(seed, "mpi-sop", v["ordinal"]))
        ds.set("StudyDate", v["date"])
        ds.set("StudyTime", "101500")
        ds.set("AccessionNumber", f"{hospital.code[-1]}{v['ordinal']:07d}")
        ds.set("Modality", modality)
        ds.set("InstitutionName", hospital.name)
        ds.set("StudyDescription", description if hospital.chinese_descriptions else f"{modality} {body_part}")
        code_item = Dataset()
        code_item.set("CodeValue", code)
        code_item.set("CodingSchemeDesignator", "99YINGYUN")
        code_item.set("CodeMeaning", description)
        ds.set("ProcedureCodeSequence", [Item(code_item)])
        ds.set("PatientName", v["name"])
        ds.set("PatientID", v["patient_id"])
        ds.set("IssuerOfPatientID", hospital.code)
        ds.set("PatientBirthDate", v["birth_date"])
        ds.set("PatientSex", v["sex"])
        if v["national_id"]:
            other = Dataset()
            other.set("PatientID", v["national_id"])
            other.set("IssuerOfPatientID", NATIONAL_ID_ISSUER)
            other.set("TypeOfPatientID", "TEXT")
            ds.set("OtherPatientIDsSequence", [Item(other)])
        ds.set("BodyPartExamined", body_part)
        ds.set("StudyInstanceUID", study_uid)
        ds.set("SeriesInstanceUID", identity.make_uid(seed, "mpi-series", v["ordinal"]))
        ds.set("StudyID", "1")
        ds.set("SeriesNumber", 1)
        ds.set("InstanceNumber", 1)
        ds.set("SamplesPerPixel", 1)
        ds.set("PhotometricInterpretation", "MONOCHROME2")
        ds.set("Rows", 8)
        ds.set("Columns", 8)
        ds.set("BitsAllocated", 16)
        ds.set("BitsStored", 12)
        ds.set("HighBit", 11)
        ds.set("PixelRepresentation", 0)
        ds.set("PixelData", bytes((k * 7) % 256 for k in range(128)))
        path = os.path.join(out, hospital.code, f"{v['ordinal']:06d}.dcm")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(encode_file(ds, EXPLICIT_LE))
        v_truth = truth.setdefault("studies", [])
        v_truth.append({"study": study_uid, "authority": hospital.code, "value": v["patient_id"], "person": v["person"],
                        "modality": modality, "body_part": body_part, "procedure_code": code, "date": v["date"],
                        "path": os.path.relpath(path, out)})
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
    log(f"wrote {len(visits)} studies of {patients} people (+{len(truth['lookalikes'])} look-alikes) to {out}")
    return truth
