#!/usr/bin/env python3
"""DICOMweb side-by-side benchmark: Yingyun vs Orthanc, same client, same data, one run.

Usage: tools/bench/dicomweb_bench.py [--yingyun URL] [--orthanc URL] --study DIR [--runs 5]
         [--qido-studies 2000] [--flush-dir DIR] [--yingyun-pid PID] [--orthanc-pid PID]

  URL   DICOMweb base, e.g. http://127.0.0.1:8080/dicomweb and http://127.0.0.1:8042/dicom-web;
        either side may be left out (its column is then empty).
  DIR   the 200-slice CT (tools/synth/yingyun_synth.py bench-ct); generated there if empty.

Each run measures every server in turn (interleaved, so drift hits both):
  STOW-RS whole study in one request; one request per instance, sequential; the same with 4
  parallel clients (each on its own keep-alive http.client connection: `requests` costs ~20%
  of a whole-study STOW and ~1.5 ms per request here) — the study gets new Study/Series/SOP
  UIDs for every STOW (same-length UIDs patched into the header bytes, so no re-encoding);
  WADO-RS whole study (transfer-syntax=*): MB/s and time to first byte (http.client on an open
  connection: `requests` would add ~1.5 ms), page cache warm; again
  with curl as the client (a C client, in case Python caps a fast server); again with the page
  cache dropped first (cold: a study not read lately; needs root, skipped otherwise);
  QIDO-RS 100 matches of >= 2,000 one-instance studies (created once per server, before timing);
  QIDO-RS instances of the 200-slice study (both QIDO timings with http.client, connected beforehand);
  flush bound: dd bs=512k count=100 oflag=dsync in --flush-dir (synchronous writes/s).
Prints medians as a markdown table with Yingyun/Orthanc ratios; writes every sample as JSON to
tools/bench/out/dicomweb-bench-<UTC time>.json.
"""
from __future__ import annotations

import argparse
import concurrent.futures as futures
import http.client
import io
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

def _require(pins: dict[str, str]) -> None:
    """Install the pinned Python peers on a fresh machine (Debian's pip wants the flag)."""
    import importlib.util
    import subprocess
    missing = [pin for module, pin in pins.items() if importlib.util.find_spec(module) is None]
    if missing:
        base = [sys.executable, "-m", "pip", "install", "-q", *missing]
        if subprocess.run(base).returncode != 0:
            subprocess.run(base + ["--break-system-packages"], check=True)


_require({"pydicom": "pydicom==3.0.2"})

import pydicom  # noqa: E402
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tools" / "bench" / "out"
BOUNDARY = "yingyun-bench-5b2e9c"
STOW_TYPE = f'multipart/related; type="application/dicom"; boundary={BOUNDARY}'
WADO_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*'
QIDO_MARKER = "YYQIDOBENCH"  # PatientID shared by the small studies, to count them
QIDO_GROUPS = 20  # PatientName QB00..QB19: one group of a 2,000-study set matches 100
PARALLEL = 4


# ---------------------------------------------------------------- data


def same_length_uid(old: str) -> str:
    """A fresh 2.25 UID with exactly len(old) characters, so element lengths stay valid."""
    n = len(old) - len("2.25.")
    if n < 2:
        raise ValueError(f"UID too short to replace in place: {old}")
    return "2.25." + str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(n - 1))


class Study:
    """The benchmark study: raw file bytes plus where its UIDs sit, for fast re-UIDing."""

    def __init__(self, directory: Path) -> None:
        files = sorted(directory.glob("*.dcm"))
        if not files:
            subprocess.run([sys.executable, str(ROOT / "tools/synth/yingyun_synth.py"), "bench-ct",
                            "--out", str(directory)], check=True)
            files = sorted(directory.glob("*.dcm"))
        self.items = []
        self.study_uid = self.series_uid = None
        for f in files:
            data = f.read_bytes()
            ds = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
            header_end = pixel_data_offset(data)
            self.study_uid = str(ds.StudyInstanceUID)
            self.series_uid = str(ds.SeriesInstanceUID)
            self.items.append((data, header_end, str(ds.SOPInstanceUID)))
        self.bytes = sum(len(d) for d, _, _ in self.items)

    def reuid(self) -> tuple[str, list[bytes]]:
        """New Study/Series/SOP UIDs: returns (study UID, instance bytes)."""
        study = same_length_uid(self.study_uid)
        series = same_length_uid(self.series_uid)
        out = []
        for data, end, sop in self.items:
            head = data[:end]
            head = head.replace(self.study_uid.encode(), study.encode())
            head = head.replace(self.series_uid.encode(), series.encode())
            head = head.replace(sop.encode(), same_length_uid(sop).encode())
            out.append(head + data[end:])
        return study, out


def pixel_data_offset(data: bytes) -> int:
    for vr in (b"OW", b"OB"):
        i = data.find(b"\xe0\x7f\x10\x00" + vr)
        if i > 0:
            return i
    return len(data)


def tiny_study(index: int) -> bytes:
    """A one-instance 8x8 CT, its PatientName in one of QIDO_GROUPS groups."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = f"QB{index % QIDO_GROUPS:02d}^Bench{index:05d}"
    ds.PatientID = QIDO_MARKER
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.StudyDate = f"2024{1 + index % 12:02d}{1 + index % 28:02d}"
    ds.StudyTime = "120000"
    ds.AccessionNumber = f"QB{index:06d}"
    ds.StudyID = "1"
    ds.StudyDescription = "qido bench"
    ds.Modality = "CT"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.Rows = ds.Columns = 8
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelData = bytes(128)
    with io.BytesIO() as b:
        pydicom.dcmwrite(b, ds, enforce_file_format=True)
        return b.getvalue()


def multipart(parts: list[bytes]) -> bytes:
    out = bytearray()
    for p in parts:
        out += f"--{BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n".encode()
        out += p
        out += b"\r\n"
    out += f"--{BOUNDARY}--\r\n".encode()
    return bytes(out)


# ---------------------------------------------------------------- client


class Server:
    def __init__(self, name: str, base: str, pid: int | None) -> None:
        self.name = name
        self.base = base.rstrip("/")
        self.pid = pid
        self.samples: dict[str, list[float]] = {}
        self.last_study: str | None = None

    def add(self, metric: str, value: float) -> None:
        self.samples.setdefault(metric, []).append(value)

    def peak_rss_mb(self) -> float | None:
        if not self.pid:
            return None
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None


# ---------------------------------------------------------------- measurements


def stow_on(conn: http.client.HTTPConnection, path: str, body: bytes, parts: int = 1) -> None:
    """One STOW-RS request on an open keep-alive connection; all `parts` must be referenced."""
    conn.request("POST", f"{path}/studies", body=body,
                 headers={"Content-Type": STOW_TYPE, "Accept": "application/dicom+json"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        raise RuntimeError(f"STOW {r.status}: {data[:200]!r}")
    doc = json.loads(data) if data else {}
    referenced = len(doc.get("00081199", {}).get("Value", []))
    if referenced != parts:
        raise RuntimeError(f"STOW referenced {referenced} of {parts}")


def bench_stow_whole(srv: Server, study: Study) -> None:
    uid, parts = study.reuid()
    body = multipart(parts)  # built before the clock starts
    u = urllib.parse.urlsplit(srv.base)
    conn = connected(u)
    t = time.perf_counter()
    stow_on(conn, u.path, body, parts=len(parts))
    dt = time.perf_counter() - t
    conn.close()
    srv.add("stow_whole_inst_s", len(parts) / dt)
    srv.add("stow_whole_mb_s", len(body) / dt / 1e6)
    srv.last_study = uid


def bench_stow_each(srv: Server, study: Study, clients: int) -> None:
    _, parts = study.reuid()
    bodies = [multipart([p]) for p in parts]
    u = urllib.parse.urlsplit(srv.base)
    conns = [connected(u) for _ in range(clients)]  # opened before the clock starts

    def send(k: int) -> None:
        for body in bodies[k::clients]:
            stow_on(conns[k], u.path, body)

    t = time.perf_counter()
    if clients == 1:
        send(0)
    else:
        with futures.ThreadPoolExecutor(clients) as pool:
            list(pool.map(send, range(clients)))
    dt = time.perf_counter() - t
    for c in conns:
        c.close()
    key = "stow_each_seq_inst_s" if clients == 1 else f"stow_each_par{clients}_inst_s"
    srv.add(key, len(parts) / dt)


def connected(u: urllib.parse.SplitResult) -> http.client.HTTPConnection:
    """An http.client connection to u's host, already open (connecting is not what is timed)."""
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def drop_page_cache() -> bool:
    """Empties the kernel's page cache (needs root); False when not allowed here."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
        return True
    except OSError:
        return False


def bench_wado(srv: Server, study: Study, cold: bool = False) -> None:
    # http.client on a connection opened beforehand: `requests` alone adds ~1.5 ms per call here,
    # which would be most of the time-to-first-byte being measured (same client for both servers).
    if cold and not drop_page_cache():
        return
    u = urllib.parse.urlsplit(srv.base)
    conn = connected(u)
    t = time.perf_counter()
    conn.request("GET", f"{u.path}/studies/{srv.last_study}", headers={"Accept": WADO_ACCEPT})
    r = conn.getresponse()
    if r.status != 200:
        raise RuntimeError(f"{srv.name}: WADO {r.status}")
    first = r.read(1)
    ttfb = time.perf_counter() - t
    total = len(first)
    while True:
        chunk = r.read(1 << 20)
        if not chunk:
            break
        total += len(chunk)
    dt = time.perf_counter() - t
    conn.close()
    if total < study.bytes:
        raise RuntimeError(f"{srv.name}: WADO returned {total} bytes < {study.bytes} stored")
    if cold:
        srv.add("wado_study_cold_mb_s", total / dt / 1e6)
        srv.add("wado_study_cold_ttfb_ms", ttfb * 1000)
    else:
        srv.add("wado_study_mb_s", total / dt / 1e6)
        srv.add("wado_study_ttfb_ms", ttfb * 1000)


def bench_wado_curl(srv: Server, study: Study) -> None:
    """The same retrieval by a C client, in case Python is the ceiling for a fast server."""
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-H", f"Accept: {WADO_ACCEPT}",
                        "-w", "%{http_code} %{size_download} %{time_starttransfer} %{time_total}",
                        f"{srv.base}/studies/{srv.last_study}"], capture_output=True, text=True, check=True)
    code, size, _, total = p.stdout.split()
    if code != "200" or int(size) < study.bytes:
        raise RuntimeError(f"{srv.name}: curl WADO {code}, {size} bytes")
    srv.add("wado_study_curl_mb_s", int(size) / float(total) / 1e6)


def ensure_qido_set(srv: Server, count: int) -> None:
    have = 0
    while True:  # page, in case the server caps a QIDO response
        _, rows = lean_get_ms(srv, f"{srv.base}/studies?PatientID={QIDO_MARKER}&limit=1000&offset={have}")
        have += len(rows)
        if not rows:
            break
    if have >= count:
        print(f"{srv.name}: {have} small QIDO studies present", file=sys.stderr)
        return
    print(f"{srv.name}: storing {count - have} small studies for QIDO (not timed)", file=sys.stderr)
    u = urllib.parse.urlsplit(srv.base)
    conn = connected(u)
    batch: list[bytes] = []
    for i in range(have, count):
        batch.append(tiny_study(i))
        if len(batch) == 100 or i == count - 1:
            stow_on(conn, u.path, multipart(batch), parts=len(batch))
            batch = []
    conn.close()


def lean_get_ms(srv: Server, url: str) -> tuple[float, list]:
    """Milliseconds from sending a QIDO request to the last byte of its answer, with http.client
    on a connection opened just before (untimed; a kept one may have been closed by the server's
    keep-alive timeout): `requests` adds ~1.5 ms of its own per call here. Parsed afterwards."""
    u = urllib.parse.urlsplit(url)
    conn = connected(u)
    t = time.perf_counter()
    conn.request("GET", f"{u.path}?{u.query}" if u.query else u.path, headers={"Accept": "application/dicom+json"})
    r = conn.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t) * 1000
    conn.close()
    if r.status not in (200, 204):
        raise RuntimeError(f"{srv.name}: QIDO {url}: HTTP {r.status}")
    return ms, (json.loads(body) if body else [])


def bench_qido(srv: Server, study: Study) -> None:
    pattern = "QB07*"  # a literal '*': one server that does not percent-decode still matches
    url = f"{srv.base}/studies?PatientName={pattern}&limit=100"
    ms, rows = lean_get_ms(srv, url)
    srv.add("qido_100_of_2000_ms", ms)
    if len(rows) != 100:
        raise RuntimeError(f"{srv.name}: QIDO {url} returned {len(rows)} studies, expected 100")
    url = f"{srv.base}/studies/{srv.last_study}/instances"
    ms, rows = lean_get_ms(srv, url)
    srv.add("qido_instances_200_ms", ms)
    if len(rows) != len(study.items):
        raise RuntimeError(f"{srv.name}: QIDO instances returned {len(rows)}, expected {len(study.items)}")


def flush_bound(directory: Path) -> float:
    directory.mkdir(parents=True, exist_ok=True)
    f = directory / "dsync-probe"
    p = subprocess.run(["dd", "if=/dev/zero", f"of={f}", "bs=512k", "count=100", "oflag=dsync"],
                       capture_output=True, text=True, check=True)
    f.unlink(missing_ok=True)
    m = re.search(r"copied, ([0-9.]+) s", p.stderr)
    return 100 / float(m.group(1))


# ---------------------------------------------------------------- report

METRICS = [
    ("stow_whole_inst_s", "STOW-RS whole study, one request (inst/s)", True),
    ("stow_whole_mb_s", "STOW-RS whole study, one request (MB/s)", True),
    ("stow_each_seq_inst_s", "STOW-RS one request per instance, sequential (inst/s)", True),
    (f"stow_each_par{PARALLEL}_inst_s", f"STOW-RS one request per instance, {PARALLEL} clients (inst/s)", True),
    ("wado_study_mb_s", "WADO-RS whole study, warm (MB/s)", True),
    ("wado_study_curl_mb_s", "WADO-RS whole study, warm, curl as client (MB/s)", True),
    ("wado_study_ttfb_ms", "WADO-RS whole study, time to first byte (ms)", False),
    ("wado_study_cold_mb_s", "WADO-RS whole study, cold: page cache dropped (MB/s)", True),
    ("wado_study_cold_ttfb_ms", "WADO-RS whole study, cold, time to first byte (ms)", False),
    ("qido_100_of_2000_ms", "QIDO-RS 100 of 2,000 studies (ms)", False),
    ("qido_instances_200_ms", "QIDO-RS instances of the 200-slice study (ms)", False),
]


def median(xs: list[float] | None) -> float | None:
    return statistics.median(xs) if xs else None


def fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def table(servers: dict[str, Server | None], flush: list[float], study: Study, runs: int,
          load: tuple[float, float]) -> str:
    y, o = servers.get("yingyun"), servers.get("orthanc")
    lines = [f"DICOMweb, {len(study.items)}-slice CT ({study.bytes / 1e6:.0f} MB), medians of {runs} runs, "
             "same Python client for both (http.client, keep-alive, connected before the clock starts)",
             "",
             "| path | Yingyun | Orthanc | Yingyun/Orthanc |",
             "|---|---|---|---|"]
    for key, label, higher_better in METRICS:
        vy = median(y.samples.get(key)) if y else None
        vo = median(o.samples.get(key)) if o else None
        ratio = f"{vy / vo:.2f}× ({'higher' if higher_better else 'lower'} is better)" if vy and vo else "—"
        lines.append(f"| {label} | {fmt(vy)} | {fmt(vo)} | {ratio} |")
    rss = [s.peak_rss_mb() if s else None for s in (y, o)]
    if any(rss):
        lines.append(f"| server peak RSS (MB) | {fmt(rss[0])} | {fmt(rss[1])} | — |")
    f = fmt(median(flush))
    lines.append(f"| flush bound: dd bs=512k oflag=dsync in --flush-dir (writes/s, machine) | {f} | {f} | — |")
    lines.append("")
    lines.append(f"Load average before/after: {load[0]:.1f} / {load[1]:.1f} on {os.cpu_count()} cores.")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--yingyun")
    ap.add_argument("--orthanc")
    ap.add_argument("--study", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--qido-studies", type=int, default=2000)
    ap.add_argument("--flush-dir", type=Path, default=OUT)
    ap.add_argument("--yingyun-pid", type=int)
    ap.add_argument("--orthanc-pid", type=int)
    args = ap.parse_args()
    if not args.yingyun and not args.orthanc:
        ap.error("give --yingyun and/or --orthanc")
    if args.qido_studies < 100 * QIDO_GROUPS or args.qido_studies % QIDO_GROUPS:
        # Each of the QIDO_GROUPS name groups must hold at least the 100 the query asks for.
        ap.error(f"--qido-studies must be a multiple of {QIDO_GROUPS}, at least {100 * QIDO_GROUPS}")

    study = Study(args.study)
    servers = {"yingyun": Server("yingyun", args.yingyun, args.yingyun_pid) if args.yingyun else None,
               "orthanc": Server("orthanc", args.orthanc, args.orthanc_pid) if args.orthanc else None}
    active = [s for s in servers.values() if s]
    for srv in active:
        try:
            ensure_qido_set(srv, args.qido_studies)
        except Exception as error:
            print(f"{srv.name}: could not prepare the QIDO set: {type(error).__name__}: {error}", file=sys.stderr)
    flush = []
    errors: list[str] = []
    load_before = os.getloadavg()[0]
    for run in range(1, args.runs + 1):
        for srv in active:
            steps = [("STOW whole study", lambda: bench_stow_whole(srv, study)),
                     ("STOW per instance", lambda: bench_stow_each(srv, study, 1)),
                     (f"STOW per instance x{PARALLEL}", lambda: bench_stow_each(srv, study, PARALLEL)),
                     ("WADO study", lambda: bench_wado(srv, study)),
                     ("WADO study (curl)", lambda: bench_wado_curl(srv, study)),
                     ("QIDO", lambda: bench_qido(srv, study)),
                     # Last: dropping the page cache also empties the catalog's pages.
                     ("WADO study, cold", lambda: bench_wado(srv, study, cold=True))]
            for name, step in steps:
                if srv.last_study is None and name.startswith(("WADO", "QIDO")):
                    continue  # nothing stored to retrieve
                try:
                    step()
                except Exception as error:  # one broken path must not hide the others
                    msg = f"run {run} {srv.name} {name}: {type(error).__name__}: {error}"
                    print(msg, file=sys.stderr, flush=True)
                    errors.append(msg)
            summary = ", ".join(f"{k}={fmt(v[-1])}" for k, v in srv.samples.items())
            print(f"run {run} {srv.name}: {summary}", file=sys.stderr, flush=True)
        flush.append(flush_bound(args.flush_dir))

    load = (load_before, os.getloadavg()[0])
    print(table(servers, flush, study, args.runs, load))
    if errors:
        print(f"\n{len(errors)} errors (those samples are missing):")
        for e in errors:
            print(f"- {e}")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = OUT / f"dicomweb-bench-{stamp}.json"
    path.write_text(json.dumps({
        "utc": stamp, "runs": args.runs, "study_instances": len(study.items), "study_bytes": study.bytes,
        "qido_studies": args.qido_studies, "parallel_clients": PARALLEL, "flush_writes_s": flush,
        "load_average": load, "cpus": os.cpu_count(), "errors": errors,
        "servers": {name: None if s is None else {"base": s.base, "samples": s.samples,
                                                   "peak_rss_mb": s.peak_rss_mb(),
                                                   "medians": {k: median(v) for k, v in s.samples.items()}}
                    for name, s in servers.items()},
    }, indent=2))
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
