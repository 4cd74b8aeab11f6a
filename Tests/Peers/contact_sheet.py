#!/usr/bin/env python3
"""Contact sheet: `yingyun render --size 128` of every image in pydicom's test files and the
repository's fixtures, on one PNG with file names, to look at (inverted MONOCHROME1, wrong colours
and garbage show at a glance). Files that do not render get a grey tile with the exit status.

Usage: contact_sheet.py YINGYUN_BINARY OUT.png
"""
import glob
import os
import subprocess
import sys
import tempfile

import pydicom
from PIL import Image, ImageDraw
from pydicom.data import get_testdata_files

TILE, LABEL, COLUMNS = 128, 14, 10
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    binary, out = sys.argv[1], sys.argv[2]
    paths = []
    for p in sorted(get_testdata_files()) + sorted(glob.glob(os.path.join(ROOT, "Fixtures/dicom/**/*.dcm"), recursive=True)):
        try:
            if "PixelData" in pydicom.dcmread(p, force=True, stop_before_pixels=False):
                paths.append(p)
        except Exception:
            pass
    rows = (len(paths) + COLUMNS - 1) // COLUMNS
    sheet = Image.new("RGB", (COLUMNS * TILE, rows * (TILE + LABEL)), (40, 40, 40))
    draw = ImageDraw.Draw(sheet)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, p in enumerate(paths):
            x, y = (i % COLUMNS) * TILE, (i // COLUMNS) * (TILE + LABEL)
            png = os.path.join(tmp, "t.png")
            r = subprocess.run([binary, "render", p, "--size", str(TILE), "-o", png], capture_output=True, text=True)
            if r.returncode == 0:
                im = Image.open(png).convert("RGB")
                sheet.paste(im, (x + (TILE - im.width) // 2, y + (TILE - im.height) // 2))
            else:
                failed += 1
                draw.rectangle([x + 2, y + 2, x + TILE - 3, y + TILE - 3], fill=(90, 90, 90))
                draw.text((x + 6, y + 56), f"exit {r.returncode}", fill=(255, 200, 0))
            draw.text((x + 2, y + TILE), os.path.basename(p)[:20], fill=(220, 220, 220))
    sheet.save(out)
    print(f"contact sheet: {len(paths)} images, {failed} not rendered -> {out}")


if __name__ == "__main__":
    main()
