"""A 1 GB STOW-RS request and a 1 GB study retrieval must each grow server RSS by < 100 MB.

usage: memory_check.py YINGYUN_BIN WORKDIR [MEGABYTES]
The request body is generated part by part (2,000 CT slices of 512 KiB that differ in their
SOP Instance UID) and sent with chunked transfer encoding, so the client holds one part.
"""
import http.client
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from serverlib import Server, multipart_body  # noqa: E402

binary, work = sys.argv[1], sys.argv[2]
megabytes = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
src = os.path.join(work, "mem-src")
data = os.path.join(work, "mem-data")
os.makedirs(data, exist_ok=True)
subprocess.run([sys.executable, f"{root}/tools/synth/yingyun_synth.py", "bench-ct", "--out", src,
                "--slices", "1", "--size", "512", "--seed", "11"], check=True, capture_output=True)
template = open(os.path.join(src, sorted(os.listdir(src))[0]), "rb").read()
import pydicom  # noqa: E402
ds = pydicom.dcmread(os.path.join(src, sorted(os.listdir(src))[0]), stop_before_pixels=True)
sop = ds.SOPInstanceUID.encode()
study = ds.StudyInstanceUID
count = max(1, megabytes * 1024 * 1024 // len(template))
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what)
    passed, failed = passed + ok, failed + (not ok)


def variant(i):
    # Same length as the original UID so no element length changes: replace its tail digits.
    tail = str(i).zfill(6).encode()
    uid = sop[: len(sop) - len(tail)] + tail
    return template.replace(sop, uid)


class Sampler(threading.Thread):
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.peak, self.running = server, 0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, self.server.rss_kb())
            time.sleep(0.02)


server = Server(binary, data).start()
time.sleep(0.3)
base = server.rss_kb()
s = Sampler(server)
s.start()
c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
t0 = time.time()
c.request("POST", "/dicomweb/studies", body=multipart_body((variant(i) for i in range(count)), b"memcheckboundary"),
          headers={"Content-Type": 'multipart/related; type="application/dicom"; boundary=memcheckboundary',
                   "Accept": "application/dicom+json"}, encode_chunked=True)
r = c.getresponse()
r.read()
elapsed = time.time() - t0
s.running = False
s.join()
mb = count * len(template) / 1e6
growth = (s.peak - base) / 1024
check(r.status == 200, f"STOW-RS of {count} instances ({mb:.0f} MB) in one request: HTTP {r.status}, {mb / elapsed:.0f} MB/s")
check(growth < 100, f"server RSS grew {growth:.1f} MB during the upload (baseline {base / 1024:.1f} MB)")

base = server.rss_kb()
s = Sampler(server)
s.start()
c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
t0 = time.time()
c.request("GET", f"/dicomweb/studies/{study}", headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'})
r = c.getresponse()
total = 0
while True:
    chunk = r.read(1 << 20)
    if not chunk:
        break
    total += len(chunk)
elapsed = time.time() - t0
s.running = False
s.join()
growth = (s.peak - base) / 1024
check(r.status == 200 and total >= count * len(template), f"WADO-RS study retrieval: {total / 1e6:.0f} MB at {total / 1e6 / elapsed:.0f} MB/s")
check(growth < 100, f"server RSS grew {growth:.1f} MB during the retrieval (baseline {base / 1024:.1f} MB)")
server.stop()
print(f"memory: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
