"""HTTP semantics of the retrieval API: HEAD, ETag/If-None-Match, Range, 404 and 406.

usage: http_semantics.py BASE_URL DICOM_FILE   (the file is stored first)
"""
import hashlib
import http.client
import json
import sys
import urllib.parse

import pydicom

base, path = sys.argv[1], sys.argv[2]
u = urllib.parse.urlparse(base)
# New UIDs, so the test does not collide with what other suites stored on the same server.
import io  # noqa: E402
from pydicom.uid import generate_uid  # noqa: E402
src = pydicom.dcmread(path)
src.StudyInstanceUID, src.SeriesInstanceUID = generate_uid(), generate_uid()
src.SOPInstanceUID = src.file_meta.MediaStorageSOPInstanceUID = generate_uid()
buf = io.BytesIO()
src.save_as(buf, enforce_file_format=True)
raw = buf.getvalue()
ds = src
inst = f"{u.path}/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}"
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what)
    passed, failed = passed + ok, failed + (not ok)


def req(method, target, headers=None, body=None):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request(method, target, body=body, headers=headers or {})
    r = c.getresponse()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()


body = b"--b1\r\nContent-Type: application/dicom\r\n\r\n" + raw + b"\r\n--b1--\r\n"
st, _, _ = req("POST", f"{u.path}/studies", {"Content-Type": 'multipart/related; type="application/dicom"; boundary=b1'}, body)
check(st == 200, f"stored the file (HTTP {st})")

st, h, got = req("GET", inst, {"Accept": "application/dicom"})
digest = hashlib.sha256(raw).hexdigest()
check(st == 200 and got == raw, f"single instance as application/dicom equals the sent bytes (HTTP {st})")
check(h.get("etag") == f'"{digest}"', f"ETag is the SHA-256 ({h.get('etag')})")
st, h2, got = req("GET", inst, {"Accept": "application/dicom", "If-None-Match": f'"{digest}"'})
check(st == 304 and got == b"", f"If-None-Match with the digest → 304 (HTTP {st})")
st, h3, got = req("GET", inst, {"Accept": "application/dicom", "Range": "bytes=128-1151"})
check(st == 206 and got == raw[128:1152] and h3.get("content-range") == f"bytes 128-1151/{len(raw)}",
      f"Range bytes=128-1151 → 206 with those bytes ({h3.get('content-range')})")
st, _, got = req("GET", inst, {"Accept": "application/dicom", "Range": f"bytes={len(raw) + 10}-"})
check(st == 416, f"unsatisfiable Range → 416 (HTTP {st})")
for target, accept in [(inst, "application/dicom"), (f"{u.path}/studies?StudyInstanceUID={ds.StudyInstanceUID}", "application/dicom+json"),
                       (f"{u.path}/studies/{ds.StudyInstanceUID}/metadata", "application/dicom+json"),
                       (f"{u.path}/studies/{ds.StudyInstanceUID}", 'multipart/related; type="application/dicom"')]:
    st, h, got = req("HEAD", target, {"Accept": accept})
    check(st == 200 and got == b"" and "content-type" in h, f"HEAD {target.split('?')[0][-40:]} → 200, headers, no body (HTTP {st})")
st, _, _ = req("GET", f"{u.path}/studies/1.2.3.4.5.6.7.8.9", {"Accept": 'multipart/related; type="application/dicom"'})
check(st == 404, f"unknown study → 404 (HTTP {st})")
st, _, _ = req("GET", f"{u.path}/studies/{ds.StudyInstanceUID}",
               {"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50'})
check(st == 406, f"a transfer syntax we cannot produce → 406 (HTTP {st})")
st, _, got = req("GET", f"{u.path}/studies?StudyInstanceUID={ds.StudyInstanceUID}&includefield=all", {"Accept": "application/dicom+json"})
ok = st == 200 and json.loads(got)[0]["0020000D"]["Value"][0] == ds.StudyInstanceUID
check(ok, f"QIDO by StudyInstanceUID finds it (HTTP {st})")
st, _, _ = req("GET", f"{u.path}/studies?NoSuchKeyword=1", {"Accept": "application/dicom+json"})
check(st == 400, f"QIDO with an unknown attribute → 400 (HTTP {st})")
st, _, _ = req("GET", f"{u.path}/studies?limit=abc", {"Accept": "application/dicom+json"})
check(st == 400, f"QIDO with limit=abc → 400 (HTTP {st})")
st, _, _ = req("GET", inst + "/frames/99", {"Accept": 'multipart/related; type="application/octet-stream"'})
check(st == 404, f"a frame past the last → 404 (HTTP {st})")
st, _, _ = req("GET", "/healthz")
check(st == 200, f"/healthz → 200 (HTTP {st})")
print(f"http-semantics: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
