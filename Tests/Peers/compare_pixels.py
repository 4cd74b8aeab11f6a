#!/usr/bin/env python3
"""Pixel oracle: every frame `yingyun pixels` decodes must equal pydicom's decode (with
pylibjpeg / pylibjpeg-libjpeg / -openjpeg / -rle, pyjpegls and python-gdcm as its plugins).

Files: pydicom's bundled test files with Pixel Data, plus a few made here with dcmtk (dcmcjpeg
lossless SV1 and predictors 1-7, point transform; dcmcjls; dcmcrle) from the bundled natives.
Lossless syntaxes must match bit for bit; lossy ones within LOSSY_TOLERANCE (max abs difference),
because JPEG decoders differ in IDCT, upsampling and colour-conversion rounding.

Usage: compare_pixels.py YINGYUN_BINARY [-v]
Last line: "pixels: N bit-exact, N within tolerance, N failed, N unsupported, N rejected as peer".
"""
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pydicom
from pydicom.data import get_testdata_files
from pydicom.pixels import apply_color_lut, pixel_array

warnings.filterwarnings("ignore")
import logging

logging.getLogger("pydicom").setLevel(logging.CRITICAL)

LOSSY_TOLERANCE = {  # transfer syntax UID -> max abs difference accepted, per sample
    "1.2.840.10008.1.2.4.50": 2,   # JPEG baseline: libjpeg-turbo vs libjpeg 9 / pylibjpeg IDCT + colour rounding
    "1.2.840.10008.1.2.4.51": 2,
    "1.2.840.10008.1.2.4.91": 1,   # JPEG 2000 irreversible: float wavelet rounding differs between builds
    "1.2.840.10008.1.2.4.203": 1,
}
MAX_FRAMES = 8  # frames compared per multi-frame file (first, last and evenly spaced)


def dtype_of(name):
    return np.dtype(name).newbyteorder("<")


def peer_frame(path, index, palette):
    ds = pydicom.dcmread(path, force=True)
    arr = pixel_array(ds, index=index, correct_unused_bits=True)
    if palette:
        arr = apply_color_lut(arr, ds)
    return arr


def dcmtk_frame(path, index, tmp):
    """Second peer when pydicom's plugins all fail: dcmtk decompresses to native, pydicom reads that."""
    out = os.path.join(tmp, "dcmtk_native.dcm")
    for tool in ("dcmdjpeg", "dcmdjpls", "dcmdrle"):
        r = subprocess.run([tool, path, out], capture_output=True, text=True)
        if r.returncode == 0:
            return pixel_array(pydicom.dcmread(out), index=index, correct_unused_bits=True), tool
    raise RuntimeError("dcmtk cannot decode it either")


def make_dcmtk_fixtures(tmp):
    """Compressed variants of bundled native files, written by dcmtk."""
    made = []
    base = {os.path.basename(p): p for p in get_testdata_files()}
    jobs = []
    for src in ("CT_small.dcm", "MR_small.dcm", "examples_rgb_color.dcm", "examples_palette.dcm",
                "examples_overlay.dcm", "image_dfl.dcm", "SC_rgb_small_odd.dcm"):
        if src not in base:
            continue
        stem = src[:-4]
        jobs.append((["dcmcjpeg", "+e1"], base[src], f"{stem}_jpegll_sv1.dcm"))
        for sv in (2, 3, 4, 5, 6, 7):
            jobs.append((["dcmcjpeg", "+el", "+sv", str(sv)], base[src], f"{stem}_jpegll_sv{sv}.dcm"))
        jobs.append((["dcmcjpeg", "+el", "+sv", "1", "+pt", "2"], base[src], f"{stem}_jpegll_pt2.dcm"))
        jobs.append((["dcmcjpls"], base[src], f"{stem}_jls.dcm"))
        jobs.append((["dcmcjpls", "+en", "+md", "3"], base[src], f"{stem}_jls_near3.dcm"))
        jobs.append((["dcmcjpls", "+in"], base[src], f"{stem}_jls_planar.dcm"))
        jobs.append((["dcmcrle"], base[src], f"{stem}_rle.dcm"))
    for src in ("examples_rgb_color.dcm", "image_dfl.dcm"):
        if src in base:
            jobs.append((["dcmcjpeg", "+eb"], base[src], f"{src[:-4]}_jpeg_base.dcm"))
            jobs.append((["dcmcjpeg", "+eb", "+s4"], base[src], f"{src[:-4]}_jpeg_base444.dcm"))
            jobs.append((["dcmcjpeg", "+eb", "+cr"], base[src], f"{src[:-4]}_jpeg_base_rgb.dcm"))
    # 12-bit DCT (extended, process 4): not decodable with Debian's 8-bit libjpeg-turbo.
    if "examples_overlay.dcm" in base:
        jobs.append((["dcmcjpeg", "+ee"], base["examples_overlay.dcm"], "examples_overlay_jpeg_ext12.dcm"))
    for cmd, src, name in jobs:
        out = os.path.join(tmp, name)
        r = subprocess.run(cmd + [src, out], capture_output=True)
        if r.returncode == 0 and os.path.exists(out):
            made.append(out)
    return made


def frames_to_check(n):
    if n <= MAX_FRAMES:
        return list(range(n))
    step = (n - 1) / (MAX_FRAMES - 1)
    return sorted({round(i * step) for i in range(MAX_FRAMES)})


def main():
    binary = sys.argv[1]
    verbose = "-v" in sys.argv
    counts = {"exact": 0, "tolerance": 0, "failed": 0, "unsupported": 0, "rejected": 0, "unverified": 0}
    unsupported = []
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for p in sorted(get_testdata_files()):
            try:
                ds = pydicom.dcmread(p, force=True, stop_before_pixels=False)
            except Exception:
                continue
            if "PixelData" in ds:
                files.append(p)
        files += make_dcmtk_fixtures(tmp)
        raw = os.path.join(tmp, "frame.raw")
        for path in files:
            name = os.path.basename(path)
            ds = pydicom.dcmread(path, force=True)
            ts = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "?"))
            palette = str(ds.get("PhotometricInterpretation", "")) == "PALETTE COLOR"
            try:
                declared = int(ds.get("NumberOfFrames", 1) or 1)
            except Exception:
                declared = 1
            results = []
            for index in frames_to_check(max(1, declared)):
                args = [binary, "pixels", path, "--frame", str(index), "-o", raw] + (["--palette"] if palette else [])
                r = subprocess.run(args, capture_output=True, text=True, timeout=60)
                ours_err = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"
                ours_err = ours_err.replace(f"yingyun: {path}: ", "")
                peer = "pydicom"
                try:
                    ref = peer_frame(path, index, palette)
                    peer_err = None
                except Exception as e:
                    ref, peer_err = None, f"{type(e).__name__}: {str(e).splitlines()[0][:100]}"
                    try:
                        ref, peer = dcmtk_frame(path, index, tmp)
                        peer_err = None
                    except Exception:
                        pass
                if r.returncode == 3:
                    results.append(("unsupported", index, ours_err + ("" if peer_err else " (peer decodes it)")))
                    continue
                if r.returncode != 0:
                    results.append(("rejected" if peer_err else "failed", index,
                                    f"ours: {ours_err}" + (f"; peer: {peer_err}" if peer_err else "; peer decodes it")))
                    continue
                info = json.loads(r.stdout)
                if peer_err:
                    results.append(("unverified", index, f"peer cannot decode ({peer_err}); ours did"))
                    continue
                ours = np.fromfile(raw, dtype=dtype_of(info["dtype"]))
                shape = (info["rows"], info["columns"]) + ((info["samples"],) if info["samples"] > 1 else ())
                ref = np.asarray(ref)
                if ours.size != int(np.prod(shape)) or ref.shape != shape:
                    results.append(("failed", index, f"shape ours {shape} ({ours.size}) peer {ref.shape}"))
                    continue
                ours = ours.reshape(shape)
                diff = np.abs(ours.astype(np.int64) - ref.astype(np.int64))
                maxdiff = int(diff.max()) if diff.size else 0
                if maxdiff == 0 and ours.dtype.kind == ref.dtype.kind and ours.dtype.itemsize == ref.dtype.itemsize:
                    results.append(("exact", index, "" if peer == "pydicom" else f"(peer {peer})"))
                elif maxdiff == 0:
                    results.append(("failed", index, f"values equal but dtype ours {ours.dtype} peer {ref.dtype}"))
                elif not info["lossless"] and maxdiff <= LOSSY_TOLERANCE.get(ts, 0):
                    results.append(("tolerance", index, f"max |diff| {maxdiff}, mean {diff.mean():.3f} (peer {peer})"))
                else:
                    results.append(("failed", index, f"max |diff| {maxdiff} (mean {diff.mean():.3f}, "
                                    f"{int((diff > 0).sum())} of {diff.size} samples differ; lossless={info['lossless']})"))
            # A file's verdict is its worst frame's.
            order = ["failed", "unsupported", "unverified", "rejected", "tolerance", "exact"]
            verdict = min(results, key=lambda x: order.index(x[0]))
            counts[verdict[0]] += 1
            line = f"{verdict[0]:11s} {name} [{ts}] frames {len(results)}" + (f": {verdict[2]}" if verdict[2] else "")
            if verdict[0] == "failed":
                failures.append(line)
            if verdict[0] in ("unsupported", "rejected", "unverified"):
                unsupported.append(line)
            if verbose or verdict[0] != "exact":
                print(line)
    print(f"files compared: {sum(counts.values())}")
    if unsupported:
        print("not decoded or not verifiable, with why:")
        for line in unsupported:
            print("  " + line)
    print(f"pixels: {counts['exact']} bit-exact, {counts['tolerance']} within tolerance, {counts['failed']} failed, "
          f"{counts['unsupported']} unsupported, {counts['rejected']} rejected as peer, {counts['unverified']} unverified")
    sys.exit(1 if counts["failed"] else 0)


if __name__ == "__main__":
    main()
