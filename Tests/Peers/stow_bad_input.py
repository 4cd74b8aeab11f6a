#!/usr/bin/env python3
"""STOW-RS with bad input, sent byte by byte with http.client: the server must refuse cleanly,
store nothing from a refused request, and survive a client that hangs up mid-upload.

Usage: Tests/Peers/stow_bad_input.py BASE_URL FIXTURE_FILE [--peer orthanc] [--health-url URL]

  BASE_URL      e.g. http://127.0.0.1:8080/dicomweb or http://127.0.0.1:8042/dicom-web
  FIXTURE_FILE  a valid DICOM file (e.g. Fixtures/dicom/ct_explicit_le.dcm); each case sends a
                copy with fresh UIDs, so runs never collide and "nothing stored" can be checked.
  --health-url  defaults to <server root>/healthz when BASE_URL ends in /dicomweb.

Expected statuses follow PS3.18 10.5.3 (Table 10.5.3-1) and failure reasons Annex I.2.2
(Table I.2-2): A7xx out of resources, A9xx data set does not match SOP class, Cxxx cannot
understand, C122 transfer syntax not supported, 0110 processing failure, 0122 SOP class not
supported. The standard names no code for a Study Instance UID that contradicts the target
resource; we expect A9xx (the instance does not fit the request), as several archives do.

Each check prints expected vs got. --peer orthanc reports Orthanc's deviations as PASS with
a note instead of failing. Last line: "stow-bad-input: N passed, N failed"; exits 1 on failure.
"""
from __future__ import annotations

import argparse
import copy
import http.client
import io
import json
import socket
import sys
import time
import urllib.parse

# The pinned peers are installed by tools/setup.sh (the test command runs it first).

import pydicom  # noqa: E402
from pydicom.uid import generate_uid

BOUNDARY = "yingyun-bad-input-7d1c"


class Report:
    def __init__(self, peer: str | None) -> None:
        self.peer = peer
        self.passed = 0
        self.failed = 0
        self.deviations = 0

    def check(self, name: str, expected: str, got: str, ok: bool, hard: bool = False) -> None:
        """hard: must hold for any server, peer or not (the control, liveness, no leaks)."""
        if ok:
            verdict = "PASS"
            self.passed += 1
        elif self.peer and not hard:
            verdict = f"DEVIATION ({self.peer}, reported, not counted)"
            self.deviations += 1
        else:
            verdict = "FAIL"
            self.failed += 1
        print(f"{verdict} {name}: expected {expected}; got {got}", flush=True)


class Target:
    def __init__(self, base_url: str) -> None:
        u = urllib.parse.urlsplit(base_url.rstrip("/"))
        self.host = u.hostname or "127.0.0.1"
        self.port = u.port or 80
        self.path = u.path
        self.root = f"{u.scheme}://{u.netloc}"

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                timeout: float = 30) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            hdrs = {"Accept": "application/dicom+json"}
            hdrs.update(headers or {})
            conn.request(method, self.path + path, body=body if method != "GET" else None, headers=hdrs)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def stow(self, body: bytes, content_type: str | None, study: str | None = None) -> tuple[int, dict, bytes]:
        headers = {"Content-Length": str(len(body))}
        if content_type is not None:
            headers["Content-Type"] = content_type
        path = "/studies" + (f"/{study}" if study else "")
        return self.request("POST", path, body, headers)


def fresh_copy(template: pydicom.Dataset, drop_sop: bool = False) -> tuple[bytes, pydicom.Dataset]:
    ds = copy.deepcopy(template)
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    if drop_sop:
        del ds.SOPInstanceUID
    with io.BytesIO() as b:
        pydicom.dcmwrite(b, ds)
        return b.getvalue(), ds


def multipart(parts: list[bytes], boundary: str = BOUNDARY, part_type: str = "application/dicom") -> bytes:
    out = bytearray()
    for p in parts:
        out += f"--{boundary}\r\nContent-Type: {part_type}\r\n\r\n".encode() + p + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


def related(boundary: str | None = BOUNDARY, part_type: str = "application/dicom") -> str:
    ct = f'multipart/related; type="{part_type}"'
    return ct + (f"; boundary={boundary}" if boundary else "")


def failure_reasons(body: bytes) -> list[int] | None:
    """FailureReason values of the FailedSOPSequence in a DICOM JSON response (None if no JSON)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if isinstance(doc, list):
        doc = doc[0] if doc else {}
    items = doc.get("00081198", {}).get("Value", [])
    out = []
    for item in items:
        v = item.get("00081197", {}).get("Value", [None])[0]
        out.append(int(v) if v is not None else -1)
    return out


def describe(status: int, body: bytes) -> str:
    reasons = failure_reasons(body)
    if reasons:
        return f"{status}, FailureReason {', '.join(f'0x{r:04X}' for r in reasons)}"
    if reasons == []:
        return f"{status}, no FailedSOPSequence"
    text = body[:80].decode("utf-8", "replace").strip().replace("\n", " ")
    return f"{status} (not DICOM JSON: {text!r})" if text else f"{status} (empty body)"


def in_range(reasons: list[int] | None, lo: int, hi: int) -> bool:
    return bool(reasons) and all(lo <= r <= hi for r in reasons)


def stored(target: Target, sop_uid: str) -> bool:
    status, _, body = target.request("GET", f"/instances?SOPInstanceUID={sop_uid}")
    return status == 200 and bool(body.strip()) and bool(json.loads(body))


def alive(target: Target) -> tuple[bool, str]:
    try:
        status, _, _ = target.request("GET", "/studies?limit=1", timeout=10)
        return status in (200, 204), f"QIDO {status}"
    except OSError as error:
        return False, f"QIDO {type(error).__name__}: {error}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base_url")
    ap.add_argument("fixture_file")
    ap.add_argument("--peer", choices=["orthanc"])
    ap.add_argument("--health-url")
    args = ap.parse_args()
    target = Target(args.base_url)
    health = args.health_url or (target.root + "/healthz" if target.path.endswith("/dicomweb") else None)
    rep = Report(args.peer)
    template = pydicom.dcmread(args.fixture_file)
    not_stored: list[tuple[str, str]] = []  # (case, SOP Instance UID) that must not be in the archive

    # 0. Control: the same harness with a good request must store (else every check below is moot).
    good, ds = fresh_copy(template)
    status, _, body = target.stow(multipart([good]), related())
    rep.check("control: valid multipart/related STOW", "200", describe(status, body),
              status == 200 and stored(target, ds.SOPInstanceUID), hard=True)
    study_of_good = str(ds.StudyInstanceUID)

    # 1. Body is a bare DICOM file, not multipart.
    data, ds = fresh_copy(template)
    status, _, body = target.stow(data, "application/dicom")
    rep.check("non-multipart body (Content-Type: application/dicom)", "415", describe(status, body), status == 415)
    not_stored.append(("non-multipart", ds.SOPInstanceUID))

    # 2. multipart/related whose type parameter is not a DICOM media type.
    data, ds = fresh_copy(template)
    status, _, body = target.stow(multipart([data], part_type="text/plain"), related(part_type="text/plain"))
    rep.check('multipart/related; type="text/plain"', "415", describe(status, body), status == 415)
    not_stored.append(("wrong type", ds.SOPInstanceUID))

    # 3. No boundary parameter.
    data, ds = fresh_copy(template)
    status, _, body = target.stow(multipart([data]), related(boundary=None))
    rep.check("multipart/related without boundary", "400", describe(status, body), status == 400)
    not_stored.append(("no boundary", ds.SOPInstanceUID))

    # 4. The body uses another boundary than the header declares.
    data, ds = fresh_copy(template)
    status, _, body = target.stow(multipart([data], boundary="some-other-boundary"), related())
    rep.check("boundary in header not found in body", "400", describe(status, body), status == 400)
    not_stored.append(("wrong boundary", ds.SOPInstanceUID))

    # 5. Multipart cut in the middle of the part: no closing delimiter (Content-Length matches).
    data, ds = fresh_copy(template)
    full = multipart([data])
    status, _, body = target.stow(full[: len(full) // 2], related())
    reasons = failure_reasons(body)
    ok = status == 400 or (status == 409 and bool(reasons))
    rep.check("multipart truncated mid-part (no closing boundary)", "400, or 409 with FailedSOPSequence",
              describe(status, body), ok)
    not_stored.append(("truncated multipart", ds.SOPInstanceUID))

    # 6. A well-framed part whose DICOM data set is cut short.
    data, ds = fresh_copy(template)
    status, _, body = target.stow(multipart([data[: len(data) * 2 // 3]]), related())
    reasons = failure_reasons(body)
    ok = status == 409 and in_range(reasons, 0xC000, 0xCFFF)
    rep.check("DICOM part cut short inside a well-framed multipart", "409, FailureReason 0xCxxx",
              describe(status, body), ok)
    not_stored.append(("truncated DICOM part", ds.SOPInstanceUID))

    # 7. A part that is not DICOM at all.
    status, _, body = target.stow(multipart([b"this is not a DICOM Part 10 file\n" * 8]), related())
    reasons = failure_reasons(body)
    ok = status == 409 and in_range(reasons, 0xC000, 0xCFFF)
    rep.check("part that is not DICOM", "409, FailureReason 0xCxxx (cannot understand)",
              describe(status, body), ok)

    # 8. A DICOM data set without SOP Instance UID.
    data, ds = fresh_copy(template, drop_sop=True)
    status, _, body = target.stow(multipart([data]), related())
    reasons = failure_reasons(body)
    ok = status == 409 and bool(reasons) and all(r == 0x0110 or 0xA900 <= r <= 0xA9FF or 0xC000 <= r <= 0xCFFF
                                                for r in reasons)
    rep.check("DICOM without SOP Instance UID", "409, FailureReason 0xA9xx/0xCxxx/0x0110",
              describe(status, body), ok)

    # 9. POST /studies/{other}: the instance's StudyInstanceUID contradicts the target resource.
    data, ds = fresh_copy(template)
    status, _, body = target.stow(multipart([data]), related(), study=study_of_good)
    reasons = failure_reasons(body)
    ok = status == 409 and in_range(reasons, 0xA900, 0xA9FF)
    rep.check("StudyInstanceUID contradicts /studies/{study}", "409, FailureReason 0xA9xx",
              describe(status, body), ok)
    not_stored.append(("study mismatch", ds.SOPInstanceUID))

    # 10. A client that hangs up halfway through the upload.
    data, ds = fresh_copy(template)
    filler = bytes(4 << 20)  # make the upload long enough that the server is mid-read
    payload = multipart([data, filler])
    head = (f"POST {target.path}/studies HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
            f"Content-Type: {related()}\r\nContent-Length: {len(payload)}\r\n"
            f"Accept: application/dicom+json\r\n\r\n").encode()
    try:
        with socket.create_connection((target.host, target.port), timeout=10) as sock:
            sock.sendall(head + payload[: len(payload) // 2])
            time.sleep(0.2)
        sent_ok = True
    except OSError as error:
        sent_ok = False
        print(f"INFO disconnect case: {type(error).__name__}: {error}")
    time.sleep(0.5)
    ok, got = alive(target)
    rep.check("client disconnects mid-upload, then QIDO", "server answers QIDO", got, ok and sent_ok, hard=True)
    not_stored.append(("disconnect", ds.SOPInstanceUID))
    if health:
        try:
            u = urllib.parse.urlsplit(health)
            conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=10)
            conn.request("GET", u.path)
            code = conn.getresponse().status
            conn.close()
        except OSError as error:
            code = f"{type(error).__name__}"
        rep.check(f"GET {health} after the disconnect", "200", str(code), code == 200, hard=True)

    # 11. Nothing from a refused request may be in the archive.
    leaked = [case for case, uid in not_stored if stored(target, uid)]
    rep.check("nothing stored from refused requests", "no instance found", ", ".join(leaked) or "none found",
              not leaked, hard=True)

    # 12. The good study is still intact and the server still accepts a valid request.
    data, ds = fresh_copy(template)
    status, _, body = target.stow(multipart([data]), related())
    rep.check("valid STOW after all of the above", "200", describe(status, body), status == 200,
              hard=True)

    if rep.peer:
        print(f"{rep.peer}: {rep.deviations} deviations from the strict expectations (reported above)")
    print(f"stow-bad-input: {rep.passed} passed, {rep.failed} failed")
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
