#!/usr/bin/env python3
"""End-to-end STOW-RS ingest with patient linking on and off, against a release server.

Usage: tools/bench/mpi_ingest_bench.py YINGYUN_BIN DATA_DIR PORT [--rounds 6] [--patients 300]

Each round generates a fresh multi-hospital population (tools/synth mpi_population, new UIDs),
starts `yingyun serve` on DATA_DIR with or without --no-linking (alternating, so both modes see
the same growing catalog), stores it in requests of 50 instances and times the uploads.
Review-candidate scoring waits for ingest to pause (200 ms), so it mostly runs between rounds.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "synth"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Tests" / "Peers"))
import mpi_population  # noqa: E402
import requests  # noqa: E402
from serverlib import Server  # noqa: E402


def body(paths, boundary):
    out = bytearray()
    for p in paths:
        out += f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode()
        out += Path(p).read_bytes() + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("data")
    ap.add_argument("port", type=int)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--patients", type=int, default=300)
    args = ap.parse_args()
    totals = {True: [0.0, 0], False: [0.0, 0]}
    rates = {True: [], False: []}
    for r in range(args.rounds):
        linking = r % 4 in (0, 3)
        with tempfile.TemporaryDirectory() as tmp:
            mpi_population.write(tmp, args.patients, 4, seed=1000 + r + os.getpid() * 100, log=lambda m: None)
            files = sorted(str(p) for p in Path(tmp).glob("*/*.dcm"))
            extra = ["--log-level", "warning"] + ([] if linking else ["--no-linking"])
            server = Server(args.binary, args.data, port=args.port, extra=extra).start(timeout=600)
            try:
                session = requests.Session()
                chunks = [files[i:i + 50] for i in range(0, len(files), 50)]
                bodies = []
                for c in chunks:
                    b = uuid.uuid4().hex
                    bodies.append((b, body(c, b)))
                start = time.perf_counter()
                for b, payload in bodies:
                    resp = session.post(f"{server.base}/studies", data=payload, headers={
                        "Content-Type": f'multipart/related; type="application/dicom"; boundary={b}',
                        "Accept": "application/dicom+json"})
                    if resp.status_code != 200:
                        raise SystemExit(f"STOW {resp.status_code}: {resp.text[:300]}")
                elapsed = time.perf_counter() - start
            finally:
                server.stop()
            totals[linking][0] += elapsed
            totals[linking][1] += len(files)
            rates[linking].append(len(files) / elapsed)
            print(f"  round {r}: linking {'on ' if linking else 'off'} {len(files)} instances in {elapsed:.2f} s "
                  f"({len(files) / elapsed:.0f} inst/s)", flush=True)
    on = totals[True][1] / totals[True][0]
    off = totals[False][1] / totals[False][0]
    print(f"STOW-RS ingest (requests of 50 instances): linking on {on:.0f} inst/s, off {off:.0f} inst/s, on/off {on / off:.3f}; "
          f"median round on {statistics.median(rates[True]):.0f}, off {statistics.median(rates[False]):.0f} inst/s, "
          f"on/off {statistics.median(rates[True]) / statistics.median(rates[False]):.3f}")


if __name__ == "__main__":
    main()
