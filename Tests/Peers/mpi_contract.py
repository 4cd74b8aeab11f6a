#!/usr/bin/env python3
"""The patient master index over HTTP against a real `yingyun serve`.

Usage: Tests/Peers/mpi_contract.py YINGYUN_BIN WORKDIR

Generates a multi-hospital population (tools/synth: several local IDs per person sharing a
national ID, look-alikes, visits without or with an invalid national ID, conflicts), stores it
with dicomweb-client (STOW-RS, one request per hospital), then checks /mpi lookups against the
truth, the review queue, prior-study lookup with recognition windows, QIDO by any linked
identifier, merge/unmerge (catalog and QIDO answers restored), bad input (JSON 4xx, nothing
changed) and the `yingyun mpi` CLI. Prints one line per check and "mpi: N passed, N failed".
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "synth"))

import pydicom  # noqa: E402
from dicomweb_client.api import DICOMwebClient  # noqa: E402

import mpi_population  # noqa: E402
from serverlib import Server  # noqa: E402

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def studies(raw):
    """QIDO answers: 204 (no match) has no body."""
    return raw if isinstance(raw, list) else []


def call(method, url, body=None, content_type="application/json"):
    data = None
    headers = {}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw and r.headers.get("Content-Type", "").startswith("application/") else raw)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw


def q(identifier):
    return urllib.parse.quote(identifier, safe="")


def main():
    binary, work = sys.argv[1], Path(sys.argv[2])
    population = work / "population"
    truth = mpi_population.write(str(population), patients=80, hospitals=4, seed=6, log=lambda m: print("   ", m))
    windows = work / "windows.json"
    windows.write_text(json.dumps({"defaultDays": 30, "items": [
        {"modality": "CT", "bodyPart": "CHEST", "days": 180}, {"procedureCode": "XR-CHEST-PA", "days": 365},
        {"modality": "MR", "days": 90}]}))
    data = work / "data"
    data.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("YINGYUN_MPI_PORT", "0")) or None  # default: any free port
    server = Server(binary, str(data), port=port, extra=["--recognition-windows", str(windows)]).start()
    root = server.base.rsplit("/dicomweb", 1)[0]
    mpi = root + "/mpi"
    try:
        client = DICOMwebClient(url=server.base)
        for hospital in sorted(p for p in population.iterdir() if p.is_dir()):
            datasets = [pydicom.dcmread(f) for f in sorted(hospital.glob("*.dcm"))]
            client.store_instances(datasets=datasets)
        check("STOW-RS (dicomweb-client) stored the population",
              call("GET", root + "/healthz?counts=1")[1]["studies"] == len(truth["studies"]))

        # Lookups against the truth.
        master_of = {}
        for ident in truth["identities"]:
            status, body = call("GET", f"{mpi}/identifiers?identifier={q(ident['authority'] + '|' + ident['value'])}")
            if status == 200:
                master_of[(ident["authority"], ident["value"])] = body["id"]
        check("every local identity resolves to a master", len(master_of) == len(truth["identities"]))
        people_on = {}
        for ident in truth["identities"]:
            people_on.setdefault(master_of.get((ident["authority"], ident["value"])), set()).add(ident["person"])
        check("zero false links (one person per master)", all(len(p) == 1 for p in people_on.values()))
        by_person = {}
        for ident in truth["identities"]:
            if ident["kind"] == "trusted":
                by_person.setdefault(ident["person"], set()).add(master_of.get((ident["authority"], ident["value"])))
        check("every true pair linked (one master per person with national ID)", all(len(m) == 1 for m in by_person.values()))
        unlinked_ok = all(master_of[(i["authority"], i["value"])] not in by_person.get(i["person"], set())
                          for i in truth["untrusted"] + truth["invalid"])
        check("visits without a valid national ID are not linked", unlinked_ok)
        person0 = [i for i in truth["identities"] if i["person"] == 0 and i["kind"] == "trusted"]
        status, body = call("GET", f"{mpi}/identifiers?identifier={q('NNCHN|' + truth['national_ids']['0'])}")
        listed = {(x["identifier"]["authority"], x["identifier"]["value"]) for x in body.get("identifiers", [])}
        check("national ID lookup lists every linked local identifier (PIXm-like)",
              status == 200 and all((i["authority"], i["value"]) in listed for i in person0)
              and ("NNCHN", truth["national_ids"]["0"]) in listed, body)

        status, review = call("GET", f"{mpi}/review?limit=1000")
        pairs = {frozenset([(c["first"]["identifier"]["authority"], c["first"]["identifier"]["value"]),
                            (c["second"]["identifier"]["authority"], c["second"]["identifier"]["value"])])
                 for c in review["candidates"]}
        check("look-alikes are in the review queue", all(
            frozenset([(a["authority"], a["value"]), (b["authority"], b["value"])]) in pairs for a, b in truth["lookalikes"]))
        check("look-alikes stay on separate masters", all(
            master_of[(a["authority"], a["value"])] != master_of[(b["authority"], b["value"])] for a, b in truth["lookalikes"]))
        conflict_ids = {(c["issuer"], c["patientID"]) for c in review["conflicts"]}
        check("conflicts recorded", all((c["authority"], c["value"]) in conflict_ids for c in truth["conflicts"]),
              f"{len(conflict_ids)} vs {len(truth['conflicts'])}")
        invalid = {(i["localIdentity"]["authority"], i["localIdentity"]["value"]) for i in review["identifierIssues"]
                   if i["status"] == "invalid"}
        check("invalid check characters reported", all((i["authority"], i["value"]) in invalid for i in truth["invalid"]))

        # Prior-study lookup by hospital B's identifier of person 0.
        b = person0[1]
        status, priors = call("GET", f"{mpi}/priors?identifier={q(b['authority'] + '|' + b['value'])}&asof=20261127")
        expected = {s["study"] for s in truth["studies"] if s["person"] == 0 and
                    any(i["authority"] == s["authority"] and i["value"] == s["value"] for i in person0)}
        got = {s["studyInstanceUID"] for s in priors.get("studies", [])}
        check("priors by another hospital's identifier list the person's studies at every hospital",
              status == 200 and expected <= got and len(got) >= 3, f"{status} {got} {expected}")
        first = priors["studies"][0]
        check("each prior carries hospital, date, description, thumbnail and WADO-RS URLs",
              all(k in first for k in ("hospital", "studyDate", "studyDescription", "thumbnailURL", "wadoRSURL",
                                       "withinRecognitionWindow", "recognitionWindowDays"))
              and first["wadoRSURL"] == f"{server.base}/studies/{first['studyInstanceUID']}"
              and first["thumbnailURL"].endswith("/thumbnail"))
        from datetime import date, timedelta
        def within(s):
            d = date(int(s["studyDate"][:4]), int(s["studyDate"][4:6]), int(s["studyDate"][6:]))
            return d >= date(2026, 11, 27) - timedelta(days=s["recognitionWindowDays"])
        check("recognition windows per exam item (CT/CHEST 180, XR-CHEST-PA 365, MR 90, default 30)",
              all(s["withinRecognitionWindow"] == within(s) for s in priors["studies"]) and
              all(s["recognitionWindowDays"] == {"CT/CHEST": 180, "procedure:XR-CHEST-PA": 365, "MR": 90}.get(s["examItem"], 30)
                  for s in priors["studies"]))
        status, ct = call("GET", f"{mpi}/patients/{priors['masterPatientID']}/priors?modality=CT&bodypart=CHEST&asof=20261127")
        check("priors filter by modality and body part",
              status == 200 and all(s["modalities"] == ["CT"] and "CHEST" in s["bodyParts"] for s in ct["studies"]))
        status, recent = call("GET", f"{mpi}/priors?patient={priors['masterPatientID']}&lookback=30&asof=20261127")
        check("priors look-back window", status == 200 and all(s["studyDate"] >= "20261028" for s in recent["studies"]))

        # QIDO-RS by any linked identifier: hospital B's PatientID finds hospital A's study.
        status, raw = call("GET", f"{server.base}/studies?patientidentifier={q(b['authority'] + '|' + b['value'])}")
        uids = {s["0020000D"]["Value"][0] for s in studies(raw)}
        check("QIDO-RS patientidentifier= finds the person's studies at every hospital", expected <= uids, f"{status}")
        plain = client.search_for_studies(search_filters={"PatientID": b["value"]})
        check("QIDO-RS PatientID= alone still matches only that hospital's studies",
              {s["0020000D"]["Value"][0] for s in plain} < uids)

        # Merge the untrusted identity's master into the person's master, then unmerge.
        u = truth["untrusted"][0]
        source = master_of[(u["authority"], u["value"])]
        target = next(iter(by_person[u["person"]]))
        def state():
            out = []
            for m in (source, target):
                st, raw = call("GET", f"{server.base}/studies?masterPatientID={m}&includefield=all")
                out.append((st, sorted(json.dumps(x, sort_keys=True) for x in studies(raw))))
            out.append(call("GET", f"{mpi}/patients/{source}"))
            out.append(call("GET", f"{mpi}/patients/{target}"))
            return out
        before = state()
        status, merged = call("POST", f"{mpi}/merge", {"source": source, "target": target, "operator": "peer-test",
                                                       "reason": "same person, verified"})
        check("merge answers 200 with an audit entry", status == 200 and merged["action"] == "merge", merged)
        st, raw = call("GET", f"{server.base}/studies?masterPatientID={target}")
        moved = {s["0020000D"]["Value"][0] for s in studies(raw)}
        u_studies = {s["study"] for s in truth["studies"] if s["authority"] == u["authority"] and s["value"] == u["value"]}
        check("QIDO follows the merge immediately", u_studies <= moved)
        status, redirected = call("GET", f"{mpi}/patients/{source}")
        check("a merged master answers with the surviving master", redirected.get("id") == target
              and redirected.get("mergedFrom") == source)
        status, un = call("POST", f"{mpi}/unmerge", {"source": source, "operator": "peer-test", "reason": "undo"})
        check("unmerge answers 200 and names the merge it reverses", status == 200 and un["reverses"] == merged["id"])
        check("merge then unmerge restores QIDO answers and identifiers exactly", state() == before)

        # Link / unlink over HTTP.
        status, linked = call("POST", f"{mpi}/link", {"identifier": f"{u['authority']}|{u['value']}",
                                                      "masterPatientID": target, "operator": "peer-test", "reason": "desk"})
        status2, _ = call("POST", f"{mpi}/unlink", {"identifier": f"{u['authority']}|{u['value']}",
                                                   "operator": "peer-test", "reason": "undo"})
        check("link then unlink restores", status == 200 and status2 == 200 and state() == before)

        # Bad input: clear JSON 4xx, nothing changed.
        audit_before = call("GET", f"{mpi}/audit?limit=1000")[1]
        nid = truth["national_ids"]["0"]
        bad_nid = nid[:-1] + ("0" if nid[-1] != "0" else "1")
        cases = [
            ("GET", f"{mpi}/identifiers?identifier=nobar", None, 400, "malformed-identifier"),
            ("GET", f"{mpi}/identifiers?identifier={q('NNCHN|' + bad_nid)}", None, 400, "invalid-check-character"),
            ("GET", f"{mpi}/identifiers?identifier={q('NNCHN|12345')}", None, 400, "invalid-identifier"),
            ("GET", f"{mpi}/identifiers?identifier={q('HOSP-NOWHERE|1')}", None, 400, "unknown-authority"),
            ("GET", f"{mpi}/identifiers?identifier={q('HOSP-A|no-such-patient')}", None, 404, "unknown-identifier"),
            ("GET", f"{mpi}/identifiers", None, 400, "invalid-request"),
            ("GET", f"{mpi}/patients/999999", None, 404, "unknown-master"),
            ("GET", f"{mpi}/patients?limit=5", None, 400, "invalid-request"),
            ("GET", f"{mpi}/priors?patient={target}&lookback=-1", None, 400, "invalid-request"),
            ("GET", f"{mpi}/priors?patient={target}&asof=2026-11-27", None, 400, "invalid-request"),
            ("GET", f"{mpi}/priors", None, 400, "invalid-request"),
            ("POST", f"{mpi}/link", {"identifier": f"{u['authority']}|{u['value']}", "masterPatientID": "999999",
                                     "operator": "x", "reason": "y"}, 404, "unknown-master"),
            ("POST", f"{mpi}/link", {"identifier": f"HOSP-NOWHERE|1", "masterPatientID": target,
                                     "operator": "x", "reason": "y"}, 400, "unknown-authority"),
            ("POST", f"{mpi}/link", {"identifier": "broken", "masterPatientID": target,
                                     "operator": "x", "reason": "y"}, 400, "malformed-identifier"),
            ("POST", f"{mpi}/link", {"identifier": f"{u['authority']}|{u['value']}", "masterPatientID": target,
                                     "operator": "", "reason": "y"}, 400, "invalid-request"),
            ("POST", f"{mpi}/merge", {"source": target, "target": target, "operator": "x", "reason": "y"}, 409, "refused"),
            ("POST", f"{mpi}/merge", {"source": target, "operator": "x", "reason": "y"}, 400, "invalid-request"),
            ("POST", f"{mpi}/unmerge", {"source": target, "operator": "x", "reason": "y"}, 409, "refused"),
            ("POST", f"{mpi}/merge", b"not json", 400, "invalid-request"),
        ]
        lookalike_a, lookalike_b = truth["lookalikes"][0]
        cases.append(("POST", f"{mpi}/merge", {
            "source": master_of[(lookalike_a["authority"], lookalike_a["value"])],
            "target": master_of[(lookalike_b["authority"], lookalike_b["value"])], "operator": "x", "reason": "y"},
            409, "refused"))
        for method, url, body, want, code in cases:
            status, answer = call(method, url, body)
            check(f"bad input {method} {url.split('/mpi')[1][:60]} -> {want} {code}",
                  status == want and isinstance(answer, dict) and answer.get("error") == code, f"{status} {answer}")
        status, raw = call("POST", f"{mpi}/merge", b"<x/>", content_type="application/xml")
        check("non-JSON body -> 415", status == 415)
        check("bad input changed nothing (state and audit trail)",
              state() == before and call("GET", f"{mpi}/audit?limit=1000")[1] == audit_before)
        status, found = call("GET", f"{mpi}/patients?birthdate={truth_birth(population)}&limit=5")
        check("demographic search (PDQm-like) answers with limits", status == 200 and 1 <= found["total"] <= 5)
    finally:
        server.stop()

    # The CLI on the same data directory.
    def cli(*args):
        return subprocess.run([binary, "mpi", *args, "--data", str(data)], capture_output=True, text=True)
    r = cli("find", f"{b['authority']}|{b['value']}")
    check("yingyun mpi find", r.returncode == 0 and json.loads(r.stdout)["id"] == priors["masterPatientID"], r.stderr)
    r = cli("priors", f"{b['authority']}|{b['value']}", "--modality", "CT")
    check("yingyun mpi priors", r.returncode == 0 and all(s["modalities"] == ["CT"] for s in json.loads(r.stdout)["studies"]))
    r = cli("review", "--limit", "5")
    check("yingyun mpi review", r.returncode == 0 and len(json.loads(r.stdout)["candidates"]) == 5)
    r = cli("merge", source, target, "--operator", "cli", "--reason", "test")
    r2 = cli("unmerge", source, "--operator", "cli", "--reason", "undo")
    check("yingyun mpi merge / unmerge", r.returncode == 0 and r2.returncode == 0, r.stderr + r2.stderr)
    r = cli("find", "NNCHN|" + bad_nid)
    check("yingyun mpi bad input: exit 2 and a reason", r.returncode == 2 and "invalid-check-character" in r.stderr)
    r = cli("link", "HOSP-A|nobody", "999", "--operator", "x", "--reason", "y")
    check("yingyun mpi link to a missing master: exit 2", r.returncode == 2)
    killed_during_candidate_search(binary, work, population)
    print(f"mpi: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def killed_during_candidate_search(binary, work, population):
    """Review-candidate searches are queued at ingest and scored after ingest pauses: a server
    killed (-9) right after a STOW-RS answer still has them queued in the catalog; the next
    start scores them without being asked."""
    import copy
    import sqlite3
    import time
    data = work / "data-kill9"
    data.mkdir(parents=True, exist_ok=True)
    source = pydicom.dcmread(sorted(population.glob("*/*.dcm"))[0])
    datasets = []
    for n, (pid, hospital, nid) in enumerate([("K-1", "HOSP-K1", "110101198001010010"),
                                               ("K-2", "HOSP-K2", "44030519800101003X")]):
        ds = copy.deepcopy(source)
        ds.PatientID, ds.IssuerOfPatientID = pid, hospital
        ds.PatientName, ds.PatientBirthDate, ds.PatientSex = "Kill^Nine=杀^九", "19800101", "M"
        other = pydicom.Dataset()
        other.PatientID, other.IssuerOfPatientID = nid, "NNCHN"
        ds.OtherPatientIDsSequence = pydicom.Sequence([other])
        ds.StudyInstanceUID = f"2.25.9{n}1"
        ds.SeriesInstanceUID = f"2.25.9{n}1.1"
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = f"2.25.9{n}1.1.1"
        datasets.append(ds)

    def count(sql):
        db = sqlite3.connect(str(data / "catalog.sqlite"), timeout=10)
        try:
            return db.execute(sql).fetchone()[0]
        finally:
            db.close()

    server = Server(binary, str(data), extra=["--log-level", "warning"]).start()
    try:
        DICOMwebClient(url=server.base).store_instances(datasets=datasets)
    finally:
        server.kill9()
    queued = count("SELECT COUNT(*) FROM candidate_search")
    check("kill -9 right after STOW-RS: the candidate searches are still queued in the catalog",
          queued == 2 and count("SELECT COUNT(*) FROM review_candidate") == 0, f"queued {queued}")
    server = Server(binary, str(data), extra=["--log-level", "warning"]).start()
    try:
        deadline = time.time() + 20
        while time.time() < deadline and count("SELECT COUNT(*) FROM candidate_search") > 0:
            time.sleep(0.1)
        check("the next start scores them unasked", count("SELECT COUNT(*) FROM candidate_search") == 0
              and count("SELECT COUNT(*) FROM review_candidate") == 1)
        status, review = call("GET", server.base.rsplit("/dicomweb", 1)[0] + "/mpi/review?limit=10")
        pair = [{c["first"]["identifier"]["value"], c["second"]["identifier"]["value"]} for c in review.get("candidates", [])]
        check("the look-alike pair is in the review queue after the restart", status == 200 and pair == [{"K-1", "K-2"}], review)
    finally:
        server.stop()


def truth_birth(population: Path) -> str:
    ds = pydicom.dcmread(sorted(population.glob("*/*.dcm"))[0])
    return ds.PatientBirthDate


if __name__ == "__main__":
    sys.exit(main())
