"""Every file given was stored over DIMSE: fetch it back with WADO-RS; the object's SHA-256 equals
its ETag and its data set (after group 0002) equals the source file's, byte for byte.
usage: dimse_wado_check.py BASE_URL FILE..."""
import hashlib
import sys
import urllib.request

import pydicom

sys.path.insert(0, __import__("os").path.dirname(__file__))
from dimselib import dataset_bytes, dataset_offset  # noqa: E402

base, files = sys.argv[1], sys.argv[2:]
failures = 0
for path in files:
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    url = f"{base}/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}"
    req = urllib.request.Request(url, headers={"Accept": "application/dicom; transfer-syntax=*"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            body, etag = r.read(), r.headers.get("ETag", "").strip('"')
    except Exception as e:  # noqa: BLE001
        print(f"FAIL {path}: WADO-RS {e}")
        failures += 1
        continue
    digest = hashlib.sha256(body).hexdigest()
    if digest != etag:
        print(f"FAIL {path}: SHA-256 {digest} != ETag {etag}")
        failures += 1
    elif body[dataset_offset(body):] != dataset_bytes(path):
        print(f"FAIL {path}: data set bytes differ from the source")
        failures += 1
print(f"{len(files) - failures}/{len(files)} instances retrieved with SHA-256 = ETag and the source's data set bytes")
sys.exit(1 if failures else 0)
