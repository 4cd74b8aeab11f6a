#!/usr/bin/env python3
"""Parser benchmark, side by side in one run (issue 2's speed targets).

  header parse (stop before pixel data): yingyun files/s vs pydicom dcmread(stop_before_pixels=True)
  full parse (pixel data referenced, not copied): yingyun GB/s from page cache
  dcmtk dcmdump over the same directory, as a second reference

Usage: parse_bench.py YINGYUN_BINARY DIR [--runs 7]
Prints each run and the medians; ratios are computed from medians of the same run.
"""
import os
import statistics
import subprocess
import sys
import time

import pydicom


def files_in(d):
    out = []
    for dp, _, names in os.walk(d):
        out += [os.path.join(dp, n) for n in names if n.endswith(".dcm")]
    return sorted(out)


def ours(binary, d, extra, repeat):
    r = subprocess.run([binary, "scan", d, "--repeat", str(repeat)] + extra, capture_output=True, text=True,
                       check=True)
    kv = dict(p.split("=", 1) for p in r.stdout.split())
    return float(kv["files_per_s"]), float(kv["MB_per_s"])


def pydicom_header(files):
    t = time.perf_counter()
    for f in files:
        pydicom.dcmread(f, stop_before_pixels=True)
    return len(files) / (time.perf_counter() - t)


def pydicom_full(files):
    t = time.perf_counter()
    n = 0
    for f in files:
        ds = pydicom.dcmread(f)
        n += len(ds.PixelData)
    dt = time.perf_counter() - t
    return len(files) / dt, sum(os.path.getsize(f) for f in files) / dt / 1e6


def dcmdump(files):
    t = time.perf_counter()
    subprocess.run(["dcmdump", "-q"] + files, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return len(files) / (time.perf_counter() - t)


def main():
    binary, d = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 7
    files = files_in(d)
    total = sum(os.path.getsize(f) for f in files)
    print(f"# {len(files)} files, {total / 1e6:.1f} MB in {d}; {runs} runs each, interleaved")
    # Warm the page cache.
    for f in files:
        with open(f, "rb") as fh:
            while fh.read(1 << 20):
                pass
    res = {k: [] for k in ("ours_hdr", "ours_full", "ours_full_mb", "ours_read_mb", "ours_mem_mb", "py_hdr",
                           "py_full", "py_full_mb", "dcmdump")}
    for i in range(runs):
        fps, _ = ours(binary, d, ["--stop-before-pixels"], 20)
        res["ours_hdr"].append(fps)
        fps, mbs = ours(binary, d, [], 20)
        res["ours_full"].append(fps)
        res["ours_full_mb"].append(mbs)
        _, mbs = ours(binary, d, ["--read-whole-file"], 5)
        res["ours_read_mb"].append(mbs)
        _, mbs = ours(binary, d, ["--in-memory"], 20)
        res["ours_mem_mb"].append(mbs)
        res["py_hdr"].append(pydicom_header(files))
        fps, mbs = pydicom_full(files)
        res["py_full"].append(fps)
        res["py_full_mb"].append(mbs)
        res["dcmdump"].append(dcmdump(files))
        print(f"run {i + 1}: " + ", ".join(f"{k}={v[-1]:.0f}" for k, v in res.items()), flush=True)
    m = {k: statistics.median(v) for k, v in res.items()}
    print("\n## medians")
    print(f"header parse: yingyun {m['ours_hdr']:.0f} files/s, pydicom {m['py_hdr']:.0f} files/s "
          f"-> ratio {m['ours_hdr'] / m['py_hdr']:.1f}x (target >= 20x)")
    print(f"full parse, pixel data referenced (file, page cache): yingyun {m['ours_full_mb'] / 1000:.2f} GB/s "
          f"({m['ours_full']:.0f} files/s) (target >= 1 GB/s)")
    print(f"full parse reading every byte of each file first (pread whole file, then parse): "
          f"yingyun {m['ours_read_mb'] / 1000:.2f} GB/s; vs pydicom full read {m['ours_read_mb'] / m['py_full_mb']:.1f}x")
    print(f"full parse of a buffer already in memory: yingyun {m['ours_mem_mb'] / 1000:.2f} GB/s")
    print(f"pydicom full read incl. pixel bytes: {m['py_full_mb'] / 1000:.2f} GB/s ({m['py_full']:.0f} files/s)")
    print(f"dcmtk dcmdump -q (whole file, one process): {m['dcmdump']:.0f} files/s")


if __name__ == "__main__":
    main()
