#!/usr/bin/env python3
"""End-to-end STOW-RS ingest with patient linking on and off, side by side (issue 6).

Usage: tools/bench/mpi_ingest_bench.py YINGYUN_BIN CATALOG_DIR WORK_DIR
           [--rounds 4] [--patients 300] [--instances 1] [--rows 8] [--port 18393]

Two release servers run at once on two copies of the same catalog (CATALOG_DIR/catalog.sqlite,
e.g. the 1 M-patient one mpi_bench.sh builds): A with linking on, B with `--no-linking`. Each
round generates a fresh multi-hospital population (tools/synth mpi_population: several hospitals'
local IDs per person sharing a national ID, look-alikes, studies without a trusted ID), each study
`--instances` images of `--rows`² 16-bit pixels, and sends the same requests of 50 instances to
both servers, alternating which goes first (ABBA), so both see the same catalog growth and the
machine's drift hits both alike. Reported:
- wall time: total throughput on/off, and the median of the per-request time ratios (paired);
- CPU: each server process's user+system seconds from the first request until both are idle
  again, so work linking defers (review-candidate scoring, which waits for ingest to pause)
  is counted too.
With `--instances 1` (the default) every instance is a new local identity: the worst case for
linking. A CT study is hundreds of instances per identity.
"""
from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "synth"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "Peers"))
import mpi_population  # noqa: E402
from serverlib import Server, multipart_body  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def wait_idle(pids, settle=1.5, timeout=600):
    """Until no process gained CPU time during `settle` seconds (background work done)."""
    deadline = time.time() + timeout
    last = [cpu_seconds(p) for p in pids]
    while time.time() < deadline:
        time.sleep(settle)
        now = [cpu_seconds(p) for p in pids]
        if all(n - l < 0.02 for n, l in zip(now, last)):
            return
        last = now


def instances(path: str, count: int, rows: int):
    """The population's one-image study as `count` images of rows² pixels (new SOP UIDs)."""
    if count == 1 and rows == 8:
        yield Path(path).read_bytes()
        return
    import pydicom

    ds = pydicom.dcmread(path)
    base = ds.SOPInstanceUID
    ds.Rows = ds.Columns = rows
    pixels = bytes((k * 7) % 251 for k in range(rows * rows * 2))
    for k in range(count):
        ds.SOPInstanceUID = f"{base}.{k + 1}"
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.InstanceNumber = k + 1
        ds.PixelData = pixels[k % 251:] + pixels[:k % 251]
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        yield out.getvalue()


def post(conn, payload, boundary):
    start = time.perf_counter()
    conn.request("POST", "/dicomweb/studies", body=payload, headers={
        "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
        "Accept": "application/dicom+json"})
    resp = conn.getresponse()
    text = resp.read()
    if resp.status != 200:
        raise SystemExit(f"STOW {resp.status}: {text[:300]!r}")
    return time.perf_counter() - start


def copy_catalog(src: str, dst: str):
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for name in ("catalog.sqlite", "catalog.sqlite-wal"):
        if os.path.exists(os.path.join(src, name)):
            subprocess.run(["cp", "--reflink=auto", os.path.join(src, name), dst], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("catalog")
    ap.add_argument("work")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--patients", type=int, default=300)
    ap.add_argument("--instances", type=int, default=1, help="images per study")
    ap.add_argument("--rows", type=int, default=8, help="image rows = columns")
    ap.add_argument("--port", type=int, default=18393)
    ap.add_argument("--per-request", type=int, default=50)
    ap.add_argument("--log-level", default="warning", help="servers' log level (debug logs STOW-RS phase timings)")
    args = ap.parse_args()

    dirs = {True: os.path.join(args.work, "linking-on"), False: os.path.join(args.work, "linking-off")}
    t = time.time()
    for d in dirs.values():
        copy_catalog(args.catalog, d)
    print(f"copied the catalog twice in {time.time() - t:.0f} s", flush=True)
    servers = {}
    try:
        for i, linking in enumerate((True, False)):
            extra = ["--log-level", args.log_level, "--dicom-port", str(args.port + 10 + i)] + ([] if linking else ["--no-linking"])
            servers[linking] = Server(args.binary, dirs[linking], port=args.port + i, extra=extra).start(timeout=900)
        pids = [servers[True].proc.pid, servers[False].proc.pid]
        wait_idle(pids)  # startup: migrations, prewarming the writer's cache
        conns = {k: http.client.HTTPConnection("127.0.0.1", s.port) for k, s in servers.items()}
        seconds = {True: 0.0, False: 0.0}
        ratios = []
        run_id = random.randrange(10, 10_000)  # PatientIDs no earlier run used (else: identity conflicts)
        sent = 0
        def population(r, patients):
            with tempfile.TemporaryDirectory() as tmp:
                mpi_population.write(tmp, patients, 4, seed=7000 + r + os.getpid() * 100, log=lambda m: None,
                                     first_local_id=run_id * 100_000 + (r + 1) * 10_000)
                parts = [p for f in sorted(str(p) for p in Path(tmp).glob("*/*.dcm"))
                         for p in instances(f, args.instances, args.rows)]
            requests = []
            for i in range(0, len(parts), args.per_request):
                b = uuid.uuid4().hex
                requests.append((b"".join(multipart_body(parts[i:i + args.per_request], b.encode())), b))
            return parts, requests

        # Warm-up, not timed: the first request of a fresh server pays one-time costs.
        for payload, b in population(-1, 10)[1]:
            for linking in (True, False):
                post(conns[linking], payload, b)
        wait_idle(pids)
        cpu0 = {k: cpu_seconds(s.proc.pid) for k, s in servers.items()}
        for r in range(args.rounds):
            parts, requests = population(r, args.patients)
            round_s = {True: 0.0, False: 0.0}
            for i, (payload, b) in enumerate(requests):
                took = {}
                for linking in ((True, False) if i % 2 == 0 else (False, True)):
                    took[linking] = post(conns[linking], payload, b)
                    round_s[linking] += took[linking]
                ratios.append(took[False] / took[True])
            sent += len(parts)
            for k in (True, False):
                seconds[k] += round_s[k]
            print(f"  round {r}: {len(parts)} instances; linking on {len(parts) / round_s[True]:.0f} inst/s, "
                  f"off {len(parts) / round_s[False]:.0f} inst/s", flush=True)
        wait_idle(pids)
        cpu = {k: cpu_seconds(s.proc.pid) - cpu0[k] for k, s in servers.items()}
        on, off = sent / seconds[True], sent / seconds[False]
        print(f"STOW-RS ingest, {sent} instances ({args.instances} per study, {args.rows}x{args.rows}, "
              f"{args.per_request} per request), same requests to both servers:")
        print(f"  throughput: linking on {on:.0f} inst/s, off {off:.0f} inst/s, on/off {on / off:.3f}; "
              f"paired median of request rates on/off {statistics.median(ratios):.3f}")
        print(f"  server CPU until idle (incl. deferred scoring and thumbnails): on {cpu[True] * 1000 / sent:.3f} ms, "
              f"off {cpu[False] * 1000 / sent:.3f} ms per instance; off/on {cpu[False] / cpu[True]:.3f}")
    finally:
        for s in servers.values():
            s.stop()


if __name__ == "__main__":
    main()
