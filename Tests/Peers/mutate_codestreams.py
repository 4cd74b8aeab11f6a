#!/usr/bin/env python3
"""Mutated codestreams (bytes overwritten or deleted at random, fixed seed) inside well-formed files:
`yingyun pixels` must exit with a status (0, 1 or 3), never crash (signal) nor hang (10 s).
A smoke test, not the fuzzing the issue asks for (libFuzzer, 15 min per decoder: not done yet).

Usage: mutate_codestreams.py YINGYUN_BINARY [SEED] [RUNS_PER_FILE]
"""
import os, random, shutil, subprocess, sys, tempfile, pydicom
from pydicom.encaps import encapsulate, generate_frames
from pydicom.data import get_testdata_file
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
binary = sys.argv[1]
names = ["SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_jpeg_gdcm.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_RLE.dcm",
         "JPEG2000.dcm", "JPGExtended.dcm", "MR_small_jp2klossless.dcm", "examples_jpeg2k.dcm", "JPEGLSNearLossless_16.dcm",
         "SC_rgb_rle_16bit.dcm"]
crashes = 0; slow = 0; n = 0
tmp = tempfile.mkdtemp()
for name in names:
    ds = pydicom.dcmread(get_testdata_file(name))
    frame = bytearray(next(generate_frames(ds.PixelData, number_of_frames=1)))
    for it in range(int(sys.argv[3]) if len(sys.argv) > 3 else 60):
        f = bytearray(frame)
        for _ in range(random.choice([1, 2, 4, 8, 32])):
            i = random.randrange(len(f))
            op = random.random()
            if op < 0.6: f[i] = random.randrange(256)
            elif op < 0.8: f[i] = random.choice([0, 0xFF, 0x80, 0x7F])
            else: del f[i:i + random.randrange(1, 16)]
            if not f: f = bytearray(b"\0")
        ds.PixelData = encapsulate([bytes(f)])
        path = os.path.join(tmp, "m.dcm"); ds.save_as(path)
        try:
            r = subprocess.run([binary, "pixels", path, "-o", os.path.join(tmp, "m.raw")], capture_output=True, text=True, timeout=10)
            n += 1
            if r.returncode >= 128 or r.returncode < 0 or "Fatal" in r.stderr:
                crashes += 1
                os.rename(path, f"crash_{name}_{it}.dcm")
                print("CRASH", name, it, r.returncode, r.stderr[-300:])
        except subprocess.TimeoutExpired:
            slow += 1
            os.rename(path, f"slow_{name}_{it}.dcm")
            print("SLOW", name, it)
shutil.rmtree(tmp, ignore_errors=True)
print(f"mutated codestreams: {n} runs, {crashes} crashes, {slow} timeouts")
sys.exit(1 if crashes or slow else 0)
