#!/usr/bin/env python3
"""Issue 4's speed figures, side by side with Orthanc 1.10 + DICOMweb in one run.

  tools/bench/imaging_bench.py --yingyun URL --yingyun-off URL --orthanc URL --study DIR [--runs N]

- series thumbnail: Yingyun's `…/series/{se}/thumbnail` (served from derived/, made at ingest)
  against Orthanc's `…/series/{se}/rendered?viewport=128,128` (or its middle instance's, if the
  series level is not offered), same keep-alive client, medians of N×30 requests;
- cold render of a 512² CT slice to a 128 px JPEG: `…/instances/{i}/rendered?viewport=128,128`,
  each request on an instance not rendered before, on both servers;
- what background thumbnails cost ingest: STOW-RS of the whole study and one request per
  instance on a Yingyun with the worker (`--yingyun`) and one started with `--no-thumbnails`
  (`--yingyun-off`), alternating runs.
"""
import argparse
import importlib.util
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


def timed_get(s: requests.Session, url: str, accept: str = "image/jpeg") -> float:
    t = time.perf_counter()
    r = s.get(url, headers={"Accept": accept})
    dt = (time.perf_counter() - t) * 1000
    if r.status_code != 200 or not r.content:
        raise RuntimeError(f"GET {url}: {r.status_code} {r.text[:120]}")
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

    # Ingest cost of background thumbnails: alternate the two Yingyun servers.
    ingest = {"on_whole": [], "off_whole": [], "on_each": [], "off_each": []}
    last_on = None
    for _ in range(args.runs):
        last_on, rate = stow_whole(y, Y, study)
        ingest["on_whole"].append(rate)
        ingest["off_whole"].append(stow_whole(yoff, YOFF, study)[1])
        ingest["on_each"].append(stow_each(y, Y, study))
        ingest["off_each"].append(stow_each(yoff, YOFF, study))
    # The series to look at: one study on each server, stored the same way.
    o_study, _ = stow_whole(o, O, study)
    time.sleep(5)  # let Yingyun's worker finish the last study's thumbnails
    y_series, y_sops = series_of(y, Y, last_on)
    o_series, o_sops = series_of(o, O, o_study)

    thumb_y, thumb_o = [], []
    o_series_url = f"{O}/studies/{o_study}/series/{o_series}/rendered?viewport=128,128"
    if o.get(o_series_url, headers={"Accept": "image/jpeg"}).status_code != 200:
        mid = o_sops[(len(o_sops) - 1) // 2]
        o_series_url = f"{O}/studies/{o_study}/series/{o_series}/instances/{mid}/rendered?viewport=128,128"
    for _ in range(args.runs):
        thumb_y.append(statistics.median(timed_get(y, f"{Y}/studies/{last_on}/series/{y_series}/thumbnail") for _ in range(30)))
        thumb_o.append(statistics.median(timed_get(o, o_series_url) for _ in range(30)))

    cold_y, cold_o = [], []
    for k in range(args.runs):
        picks = range(k * 8, k * 8 + 8)  # fresh instances every run: nothing rendered before
        cold_y.append(statistics.median(timed_get(y, f"{Y}/studies/{last_on}/series/{y_series}/instances/{y_sops[i]}/rendered?viewport=128,128") for i in picks))
        cold_o.append(statistics.median(timed_get(o, f"{O}/studies/{o_study}/series/{o_series}/instances/{o_sops[i]}/rendered?viewport=128,128") for i in picks))

    med = statistics.median
    print("| figure | Yingyun | Orthanc / without worker | ratio | issue 4 target |")
    print("|---|---|---|---|---|")
    print(f"| series thumbnail, per request (ms) | {med(thumb_y):.2f} | {med(thumb_o):.2f} (Orthanc `{o_series_url.split('?')[0].rsplit('/', 2)[-2] if '/instances/' in o_series_url else 'series'}` rendered 128) | {med(thumb_o) / med(thumb_y):.1f}× faster | ≥ 5× |")
    print(f"| cold 512² CT slice → 128 px JPEG (ms) | {med(cold_y):.2f} | {med(cold_o):.2f} | {med(cold_o) / med(cold_y):.1f}× faster | ≥ 2× |")
    for kind, label in (("whole", "STOW-RS whole study"), ("each", "STOW-RS one request per instance")):
        on, off = med(ingest[f"on_{kind}"]), med(ingest[f"off_{kind}"])
        print(f"| {label} with thumbnails made in the background (inst/s) | {on:.0f} | {off:.0f} without | cost {100 * (1 - on / off):.1f}% | < 15% |")
    print(f"runs: {args.runs}; samples: thumbnails {[round(v, 2) for v in thumb_y]} vs {[round(v, 2) for v in thumb_o]}; "
          f"cold {[round(v, 2) for v in cold_y]} vs {[round(v, 2) for v in cold_o]}; ingest {({k: [round(x) for x in v] for k, v in ingest.items()})}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
