#!/usr/bin/env python3
"""Issue 4's speed figures, side by side with Orthanc 1.10 + DICOMweb in one run.

  tools/bench/imaging_bench.py --yingyun URL --yingyun-off URL --orthanc URL --study DIR [--runs N]

- series thumbnail: Yingyun's `…/series/{se}/thumbnail` (served from derived/, made at ingest)
  against Orthanc's `…/series/{se}/rendered?viewport=128,128` (or its middle instance's, if the
  series level is not offered), medians of N×30 requests. Latencies use one keep-alive
  http.client connection per server: `requests` alone costs ~1.5 ms per call here, more than
  either server (see `client floor` in the output);
- cold render of a 512² CT slice to a 128 px JPEG: `…/instances/{i}/rendered?viewport=128,128`,
  each request on an instance not rendered before, on both servers;
- what background thumbnails cost ingest: STOW-RS of the whole study and one request per
  instance on a Yingyun with the worker (`--yingyun`) and one started with `--no-thumbnails`
  (`--yingyun-off`), in blocks (all runs on one server, then wait until its worker is done),
  so one server's background work never lands in the other's measurement.
"""
import argparse
import http.client
import importlib.util
import urllib.parse
import statistics
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("dicomweb_bench", HERE / "dicomweb_bench.py")
dw = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dw)


def session() -> requests.Session:
    s = requests.Session()
    s.headers["Accept-Encoding"] = "identity"
    return s


def stow_whole(s: requests.Session, base: str, study: "dw.Study") -> tuple[str, float]:
    uid, parts = study.reuid()
    body = dw.multipart(parts)
    t = time.perf_counter()
    r = s.post(f"{base}/studies", data=body, headers={"Content-Type": dw.STOW_TYPE, "Accept": "application/dicom+json"})
    dt = time.perf_counter() - t
    if r.status_code != 200:
        raise RuntimeError(f"STOW {r.status_code}: {r.text[:200]}")
    return uid, len(parts) / dt


def stow_each(s: requests.Session, base: str, study: "dw.Study") -> float:
    _, parts = study.reuid()
    bodies = [dw.multipart([p]) for p in parts]
    t = time.perf_counter()
    for b in bodies:
        r = s.post(f"{base}/studies", data=b, headers={"Content-Type": dw.STOW_TYPE, "Accept": "application/dicom+json"})
        if r.status_code != 200:
            raise RuntimeError(f"STOW {r.status_code}")
    return len(parts) / (time.perf_counter() - t)


def series_of(s: requests.Session, base: str, study: str) -> tuple[str, list[str]]:
    rows = s.get(f"{base}/studies/{study}/instances", headers={"Accept": "application/dicom+json"}).json()
    series = rows[0]["0020000E"]["Value"][0]
    ordered = sorted(rows, key=lambda r: int(r.get("00200013", {}).get("Value", [0])[0]))
    return series, [r["00080018"]["Value"][0] for r in ordered]


class Client:
    """One keep-alive HTTP/1.1 connection: the leanest client Python has."""

    def __init__(self, base: str) -> None:
        u = urllib.parse.urlsplit(base)
        self.prefix = u.path.rstrip("/")
        self.conn = http.client.HTTPConnection(u.hostname, u.port)

    def get_ms(self, path: str, accept: str = "image/jpeg") -> float:
        t = time.perf_counter()
        self.conn.request("GET", self.prefix + path, headers={"Accept": accept})
        r = self.conn.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t) * 1000
        if r.status != 200 or not body:
            raise RuntimeError(f"GET {path}: {r.status} {body[:120]!r}")
        return dt


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--yingyun", required=True)
    ap.add_argument("--yingyun-off", required=True)
    ap.add_argument("--orthanc", required=True)
    ap.add_argument("--study", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    study = dw.Study(args.study)
    y, yoff, o = session(), session(), session()
    Y, YOFF, O = args.yingyun.rstrip("/"), args.yingyun_off.rstrip("/"), args.orthanc.rstrip("/")

    # Ingest cost of background thumbnails: a block of runs per server, then a pause long enough
    # for the worker to finish, so its work lands in its own server's block only.
    ingest = {"on_whole": [], "off_whole": [], "on_each": [], "off_each": []}
    last_on = None
    for label, s, base in (("on", y, Y), ("off", yoff, YOFF)):
        for _ in range(args.runs):
            uid, rate = stow_whole(s, base, study)
            ingest[f"{label}_whole"].append(rate)
            ingest[f"{label}_each"].append(stow_each(s, base, study))
            if label == "on":
                last_on = uid
        time.sleep(15)
    o_study, _ = stow_whole(o, O, study)
    y_series, y_sops = series_of(y, Y, last_on)
    o_series, o_sops = series_of(o, O, o_study)
    yc, oc = Client(Y), Client(O)
    floor_y = statistics.median(yc.get_ms("/studies?limit=1", "application/dicom+json") for _ in range(50))

    thumb_y, thumb_o = [], []
    o_thumb = f"/studies/{o_study}/series/{o_series}/rendered?viewport=128,128"
    try:
        oc.get_ms(o_thumb)
    except RuntimeError:
        mid = o_sops[(len(o_sops) - 1) // 2]
        o_thumb = f"/studies/{o_study}/series/{o_series}/instances/{mid}/rendered?viewport=128,128"
    for _ in range(args.runs):
        thumb_y.append(statistics.median(yc.get_ms(f"/studies/{last_on}/series/{y_series}/thumbnail") for _ in range(30)))
        thumb_o.append(statistics.median(oc.get_ms(o_thumb) for _ in range(30)))

    cold_y, cold_o = [], []
    for k in range(args.runs):
        picks = range(k * 8, k * 8 + 8)  # fresh instances every run: nothing rendered before
        cold_y.append(statistics.median(yc.get_ms(f"/studies/{last_on}/series/{y_series}/instances/{y_sops[i]}/rendered?viewport=128,128") for i in picks))
        cold_o.append(statistics.median(oc.get_ms(f"/studies/{o_study}/series/{o_series}/instances/{o_sops[i]}/rendered?viewport=128,128") for i in picks))

    med = statistics.median
    print("| figure | Yingyun | Orthanc / without worker | ratio | issue 4 target |")
    print("|---|---|---|---|---|")
    level = "middle instance" if "/instances/" in o_thumb else "series"
    print(f"| series thumbnail, per request (ms) | {med(thumb_y):.2f} | {med(thumb_o):.2f} (Orthanc {level} /rendered?viewport=128,128) | {med(thumb_o) / med(thumb_y):.1f}× faster | ≥ 5× |")
    print(f"| cold 512² CT slice → 128 px JPEG (ms) | {med(cold_y):.2f} | {med(cold_o):.2f} | {med(cold_o) / med(cold_y):.1f}× faster | ≥ 2× |")
    for kind, label in (("whole", "STOW-RS whole study"), ("each", "STOW-RS one request per instance")):
        on, off = med(ingest[f"on_{kind}"]), med(ingest[f"off_{kind}"])
        print(f"| {label} with thumbnails made in the background (inst/s) | {on:.0f} | {off:.0f} without | cost {100 * (1 - on / off):.1f}% | < 15% |")
    print(f"client floor (Yingyun QIDO limit=1, same connection): {floor_y:.2f} ms")
    print(f"runs: {args.runs}; samples: thumbnails {[round(v, 2) for v in thumb_y]} vs {[round(v, 2) for v in thumb_o]}; "
          f"cold {[round(v, 2) for v in cold_y]} vs {[round(v, 2) for v in cold_o]}; ingest {({k: [round(x) for x in v] for k, v in ingest.items()})}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
