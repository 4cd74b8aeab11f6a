#!/usr/bin/env python3
"""HTTP timings of the /mpi API against a running server (tools/bench/mpi_bench.sh starts it).

Usage: tools/bench/mpi_bench.py BASE_URL IDENTIFIERS_FILE [--samples 2000]

One keep-alive connection, requests in sequence; each latency is request sent -> body read
(Python's client overhead included, so these are upper bounds of the server's time).
"""
from __future__ import annotations

import argparse
import http.client
import json
import time
import urllib.parse


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("identifiers")
    ap.add_argument("--samples", type=int, default=2000)
    args = ap.parse_args()
    url = urllib.parse.urlparse(args.base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    ids = [line.split("|") for line in open(args.identifiers, encoding="utf-8").read().splitlines() if line.count("|") >= 3]

    def timed(path):
        t = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        elapsed = (time.perf_counter() - t) * 1000
        if r.status != 200:
            raise SystemExit(f"{path}: {r.status} {body[:200]!r}")
        return elapsed, body

    kinds = {
        "identifier lookup (HTTP)": lambda a, v, n: f"/mpi/identifiers?identifier={urllib.parse.quote(a + '|' + v)}",
        "identifier lookup by national ID (HTTP)":
            lambda a, v, n: f"/mpi/identifiers?identifier={urllib.parse.quote('NNCHN|' + n)}",
        "prior-study lookup, all studies (HTTP)":
            lambda a, v, n: f"/mpi/priors?identifier={urllib.parse.quote(a + '|' + v)}&lookback=3650",
        "prior-study lookup, modality=CT&bodypart=CHEST (HTTP)":
            lambda a, v, n: f"/mpi/priors?identifier={urllib.parse.quote(a + '|' + v)}&modality=CT&bodypart=CHEST&lookback=3650",
    }
    for label, make in kinds.items():
        for i in range(50):  # warm-up
            a, v, n = ids[i % len(ids)][:3]
            timed(make(a, v, n))
        lat, studies = [], 0
        for i in range(args.samples):
            a, v, n = ids[(i * 7919) % len(ids)][:3]
            ms, body = timed(make(a, v, n))
            lat.append(ms)
            if "priors" in label:
                studies += len(json.loads(body)["studies"])
        extra = f", {studies / args.samples:.2f} studies per answer" if studies else ""
        print(f"{label}: n={len(lat)} p50 {percentile(lat, .5):.3f} ms, p90 {percentile(lat, .9):.3f} ms, "
              f"p99 {percentile(lat, .99):.3f} ms, max {max(lat):.3f} ms{extra}")


if __name__ == "__main__":
    main()
