#!/usr/bin/env python3
"""Rendering oracle: `yingyun render` against dcmtk's dcmj2pnm at the same window, by PSNR.

Grey images get the same explicit window on both sides (the file's first window, else the
modality-value range computed with pydicom), so only the pipelines are compared, not window
heuristics. Colour, YBR and PALETTE COLOR images are rendered without a window. Two sizes: the
image's own, and 512 px on the longest side (dcmtk +Sxv/+Syv, its default interpolation; ours
area-averaging): resampling differs, so the 512 px threshold is the issue's 40 dB too but it
measures two resamplers.

Usage: compare_render.py YINGYUN_BINARY
Last line: "render: N files >= 40 dB, N below".
"""
import glob
import math
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pydicom
from PIL import Image
from pydicom.data import get_testdata_file
from pydicom.pixels import apply_modality_lut, pixel_array

warnings.filterwarnings("ignore")
THRESHOLD_DB = 40.0
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def files():
    # dcmtk 3.6.7 decodes neither JPEG 2000 nor (in dcmj2pnm) JPEG-LS: those are covered by the pixel oracle.
    names = ["CT_small.dcm", "MR_small.dcm", "SC_rgb_jpeg_gdcm.dcm", "6154", "6247",
             "examples_rgb_color.dcm", "examples_ybr_color.dcm", "SC_ybr_full_422_uncompressed.dcm",
             "SC_rgb_jpeg_dcmtk.dcm", "examples_palette.dcm", "examples_overlay.dcm", "rtdose_1frame.dcm"]
    out = [get_testdata_file(n) for n in names]
    studies = sorted(glob.glob(os.path.join(ROOT, "Fixtures/dicom/studies/**/*.dcm"), recursive=True))
    # The generated CT and MR series: one CT and one MR slice of each hospital.
    seen = set()
    for p in studies:
        key = (p.split("/studies/")[1].split("/")[0], os.path.basename(os.path.dirname(p))[:2])
        if key not in seen:
            seen.add(key)
            out.append(p)
    return [p for p in out if p]


def window_for(ds):
    if "WindowCenter" in ds and "WindowWidth" in ds:
        c, w = ds.WindowCenter, ds.WindowWidth
        c = float(c[0] if isinstance(c, pydicom.multival.MultiValue) else c)
        w = float(w[0] if isinstance(w, pydicom.multival.MultiValue) else w)
        return c, w
    arr = apply_modality_lut(pixel_array(ds, index=0), ds).astype(np.float64)
    lo, hi = float(arr.min()), float(arr.max())
    return (lo + hi) / 2, max(hi - lo, 1.0)


def psnr(a, b):
    if a.shape != b.shape:
        return None
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def main():
    binary = sys.argv[1]
    good = bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files():
            ds = pydicom.dcmread(path)
            grey = str(ds.PhotometricInterpretation).startswith("MONOCHROME")
            name = os.path.relpath(path, ROOT) if path.startswith(ROOT) else os.path.basename(path)
            results = []
            for size in (None, 512):
                ours_png = os.path.join(tmp, "ours.png")
                ref_png = os.path.join(tmp, "ref.png")
                ours_cmd = [binary, "render", path, "-o", ours_png]
                # Overlays off: we never burn overlay planes (or text) into a rendering.
                ref_cmd = ["dcmj2pnm", "--write-png", "-O"]
                if grey:
                    c, w = window_for(ds)
                    ours_cmd += ["--window", f"{c},{w}"]
                    ref_cmd += ["+Ww", str(c), str(w)]
                if size:
                    ours_cmd += ["--size", str(size)]
                    rows, cols = int(ds.Rows), int(ds.Columns)
                    ref_cmd += ["+Sxv", str(size)] if cols >= rows else ["+Syv", str(size)]
                r1 = subprocess.run(ours_cmd, capture_output=True, text=True)
                r2 = subprocess.run(ref_cmd + [path, ref_png], capture_output=True, text=True)
                if r1.returncode or r2.returncode:
                    results.append((size, None, f"ours rc {r1.returncode} {r1.stderr.strip()[-100:]}; dcmtk rc {r2.returncode} {r2.stderr.strip()[-100:]}"))
                    continue
                a = np.asarray(Image.open(ours_png))
                b = np.asarray(Image.open(ref_png))
                results.append((size, psnr(a, b), f"ours {a.shape} dcmtk {b.shape}"))
            if grey:
                # 16-bit grey PNG (yingyun render --bits 16) against dcmj2pnm +on2, PSNR on the 16-bit scale.
                c, w = window_for(ds)
                ours_png, ref_png = os.path.join(tmp, "ours16.png"), os.path.join(tmp, "ref16.png")
                r1 = subprocess.run([binary, "render", path, "--bits", "16", "--window", f"{c},{w}", "-o", ours_png],
                                    capture_output=True, text=True)
                r2 = subprocess.run(["dcmj2pnm", "--write-16-bit-png", "-O", "+Ww", str(c), str(w), path, ref_png],
                                    capture_output=True, text=True)
                if r1.returncode or r2.returncode:
                    results.append(("16-bit", None, f"ours rc {r1.returncode} {r1.stderr.strip()[-100:]}; dcmtk rc {r2.returncode}"))
                else:
                    a = np.asarray(Image.open(ours_png)).astype(np.float64)
                    b = np.asarray(Image.open(ref_png)).astype(np.float64)
                    mse = np.mean((a - b) ** 2) if a.shape == b.shape else None
                    p16 = None if mse is None else (math.inf if mse == 0 else 10 * math.log10(65535.0 ** 2 / mse))
                    results.append(("16-bit", p16, f"ours {a.shape} dcmtk {b.shape}"))
            ok = all(p is not None and p >= THRESHOLD_DB for _, p, _ in results)
            good += ok
            bad += not ok
            cells = []
            for size, p, note in results:
                label = "native" if size is None else (size if isinstance(size, str) else f"{size}px")
                cells.append(f"{label} " + ("n/a (" + note + ")" if p is None else ("identical" if p == math.inf else f"{p:.1f} dB")))
            print(f"{'ok  ' if ok else 'LOW '} {name} [{ds.PhotometricInterpretation}]: " + ", ".join(cells))
    print(f"render: {good} files >= {THRESHOLD_DB:.0f} dB, {bad} below")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
