"""Kill -9 during ingest: every acknowledged instance must survive, verify must be clean.

usage: crash_recovery.py YINGYUN_BIN WORKDIR
Generates a CT series, sends it one instance per STOW-RS request from 3 threads, kills the
server with SIGKILL after some acknowledgements, restarts it, then checks `yingyun verify`
and fetches every acknowledged instance by WADO-RS comparing SHA-256 with the source file.
"""
import hashlib
import http.client
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from serverlib import Server, verify  # noqa: E402

binary, work = sys.argv[1], sys.argv[2]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
src = os.path.join(work, "crash-src")
data = os.path.join(work, "crash-data")
os.makedirs(data, exist_ok=True)
subprocess.run([sys.executable, f"{root}/tools/synth/yingyun_synth.py", "bench-ct", "--out", src,
                "--slices", "120", "--size", "256", "--seed", "7"], check=True, capture_output=True)
files = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".dcm"))
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failed += 1


server = Server(binary, data).start()
acked = {}
lock = threading.Lock()
stop = threading.Event()


def sender(paths):
    boundary = b"crashtestboundary"
    for p in paths:
        if stop.is_set():
            return
        body = open(p, "rb").read()
        payload = b"--" + boundary + b"\r\nContent-Type: application/dicom\r\n\r\n" + body + b"\r\n--" + boundary + b"--\r\n"
        try:
            c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            c.request("POST", "/dicomweb/studies", body=payload, headers={
                "Content-Type": 'multipart/related; type="application/dicom"; boundary=crashtestboundary',
                "Accept": "application/dicom+json"})
            r = c.getresponse()
            r.read()
            if r.status == 200:
                with lock:
                    acked[p] = hashlib.sha256(body).hexdigest()
        except OSError:
            return


threads = [threading.Thread(target=sender, args=(files[i::3],)) for i in range(3)]
for t in threads:
    t.start()
while len(acked) < 40 and any(t.is_alive() for t in threads):
    time.sleep(0.005)
server.kill9()
stop.set()
for t in threads:
    t.join()
check(0 < len(acked) < len(files), f"server killed with SIGKILL after {len(acked)} of {len(files)} acknowledgements")

server = Server(binary, data, port=server.port).start()
rc, line = verify(binary, data)
check(rc == 0, f"verify after restart is clean: {line}")

import re  # noqa: E402
lost = 0
for p, digest in acked.items():
    import pydicom  # noqa: E402
    ds = pydicom.dcmread(p, stop_before_pixels=True)
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    c.request("GET", f"/dicomweb/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}",
              headers={"Accept": "application/dicom"})
    r = c.getresponse()
    got = r.read()
    if r.status != 200 or hashlib.sha256(got).hexdigest() != digest:
        lost += 1
check(lost == 0, f"every acknowledged instance retrievable with equal SHA-256 ({len(acked) - lost}/{len(acked)})")
server.stop()
print(f"crash-recovery: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
