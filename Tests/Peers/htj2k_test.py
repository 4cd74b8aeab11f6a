"""HTJ2K (PS3.5 A.4.11): codestreams made by OpenJPH's ojph_compress (an independent encoder),
wrapped in DICOM, decoded by `yingyun pixels` (OpenJPEG 2.5) and compared with the source
samples — lossless bit for bit, lossy within a PSNR bound — and, where pylibjpeg-openjpeg
decodes HTJ2K, with pydicom's decode too.

usage: htj2k_test.py YINGYUN_BINARY WORKDIR
Last line: "htj2k: N passed, N failed".
"""
import json
import os
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import generate_uid

binary, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
passed = failed = 0
LOSSLESS, LOSSLESS_RPCL, LOSSY = "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"


def check(ok, what):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what)
    passed, failed = passed + bool(ok), failed + (not ok)


def compress(name, pixels, args):
    """Writes `pixels` in a format ojph_compress reads and returns the codestream."""
    rows, cols = pixels.shape[:2]
    if pixels.ndim == 3:
        src = os.path.join(work, name + ".ppm")
        open(src, "wb").write(b"P6\n%d %d\n255\n" % (cols, rows) + pixels.astype(np.uint8).tobytes())
    elif pixels.dtype == np.uint8:
        src = os.path.join(work, name + ".pgm")
        open(src, "wb").write(b"P5\n%d %d\n255\n" % (cols, rows) + pixels.tobytes())
    elif pixels.dtype == np.uint16:
        src = os.path.join(work, name + ".pgm")  # PGM with maxval > 255 is big endian
        maxval = 4095 if pixels.max() < 4096 else 65535
        open(src, "wb").write(b"P5\n%d %d\n%d\n" % (cols, rows, maxval) + pixels.astype(">u2").tobytes())
    else:  # signed: raw little-endian words with the geometry on the command line
        src = os.path.join(work, name + ".yuv")
        pixels.astype("<i2").tofile(src)
    out = os.path.join(work, name + ".j2c")
    subprocess.run(["ojph_compress", "-i", src, "-o", out] + args, check=True, capture_output=True)
    return open(out, "rb").read()


def dicom(name, pixels, codestream, syntax, bits_stored, signed):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.SOPClassUID, ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPClassUID, ds.file_meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "OT"
    ds.Rows, ds.Columns = pixels.shape[:2]
    ds.SamplesPerPixel = 3 if pixels.ndim == 3 else 1
    ds.PhotometricInterpretation = "RGB" if pixels.ndim == 3 else "MONOCHROME2"
    if pixels.ndim == 3:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated = 8 if pixels.dtype == np.uint8 else 16
    ds.BitsStored, ds.HighBit = bits_stored, bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    ds.NumberOfFrames = 1
    ds.PixelData = encapsulate([codestream])
    ds["PixelData"].VR = "OB"
    path = os.path.join(work, name + ".dcm")
    ds.save_as(path, enforce_file_format=True)
    return path


def ours(path):
    out = path + ".raw"
    r = subprocess.run([binary, "pixels", path, "-o", out], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return None, r.stderr.strip() or r.stdout.strip()
    meta = json.loads(r.stdout.strip().splitlines()[-1])
    shape = (meta["rows"], meta["columns"]) + ((meta["samples"],) if meta["samples"] > 1 else ())
    return np.fromfile(out, dtype=np.dtype(meta["dtype"]).newbyteorder("<")).reshape(shape), meta


def peer(path):
    """pydicom's decode through pylibjpeg-openjpeg, or None when it has no HTJ2K decoder here."""
    try:
        return pydicom.dcmread(path).pixel_array
    except Exception:
        return None


rng = np.random.default_rng(7)
y, x = np.mgrid[0:96, 0:80]
smooth = ((x * 3 + y * 2) % 256).astype(np.uint8)
# ojph_compress reads signed samples only from raw files, and its own ojph_expand does not give
# them back as written, so the signed case is checked against the peer's decode alone.
cases = [
    # name, pixels, ojph arguments, transfer syntax, bits stored, signed
    ("grey8", smooth, ["-reversible", "true"], LOSSLESS, 8, False),
    ("grey8_rpcl", smooth, ["-reversible", "true", "-prog_order", "RPCL"], LOSSLESS_RPCL, 8, False),
    ("ct12_signed", rng.normal(0, 400, (96, 80)).clip(-2048, 2047).astype(np.int16),
     ["-reversible", "true", "-dims", "{80,96}", "-num_comps", "1", "-signed", "true", "-bit_depth", "12",
      "-downsamp", "{1,1}"], LOSSLESS, 12, True),
    ("grey12", rng.integers(0, 4096, (96, 80)).astype(np.uint16), ["-reversible", "true"], LOSSLESS, 12, False),
    ("grey16", rng.integers(0, 65536, (96, 80)).astype(np.uint16), ["-reversible", "true"], LOSSLESS, 16, False),
    ("rgb8", rng.integers(0, 256, (96, 80, 3)).astype(np.uint8), ["-reversible", "true"], LOSSLESS, 8, False),
]
for name, pixels, args, syntax, bits, signed in cases:
    path = dicom(name, pixels, compress(name, pixels, args), syntax, bits, signed)
    got, meta = ours(path)
    if got is None:
        check(False, f"{name} ({syntax}): yingyun pixels failed: {meta}")
        continue
    theirs = peer(path)
    if signed:
        check(got.dtype == np.int16 and theirs is not None and np.array_equal(got.astype(np.int64), theirs.astype(np.int64))
              and int(got.min()) < 0, f"{name} ({syntax}): signed decode equals pydicom + pylibjpeg-openjpeg ({meta['dtype']})")
        continue
    check(got.shape == pixels.shape and np.array_equal(got.astype(np.int64), pixels.astype(np.int64)),
          f"{name} ({syntax}): lossless decode equals the source samples ({meta['dtype']}, {got.shape})")
    if theirs is not None:
        check(np.array_equal(got.astype(np.int64), theirs.astype(np.int64)), f"{name}: equals pydicom + pylibjpeg-openjpeg")

# Lossy (irreversible 9/7): close to the source, and equal to the peer's decode within ±1.
lossy_src = (128 + 100 * np.sin(x / 7.0) * np.cos(y / 5.0)).astype(np.uint8)
path = dicom("grey8_lossy", lossy_src, compress("grey8_lossy", lossy_src, ["-qstep", "0.004"]), LOSSY, 8, False)
got, meta = ours(path)
if got is None:
    check(False, f"grey8_lossy: yingyun pixels failed: {meta}")
else:
    mse = float(np.mean((got.astype(np.float64) - lossy_src) ** 2))
    psnr = 99.0 if mse == 0 else 10 * np.log10(255 ** 2 / mse)
    check(psnr >= 40, f"grey8_lossy ({LOSSY}): {psnr:.1f} dB against the source (>= 40)")
    theirs = peer(path)
    if theirs is not None:
        check(int(np.max(np.abs(got.astype(np.int64) - theirs.astype(np.int64)))) <= 1, "grey8_lossy: within ±1 of pydicom + pylibjpeg-openjpeg")

# Damaged: the codestream cut short is a typed error (exit 1 or 3), never a crash or a hang.
cs = compress("cut", smooth, ["-reversible", "true"])
for cut in (20, 50, 80):
    path = dicom(f"cut{cut}", smooth, cs[: len(cs) * cut // 100], LOSSLESS, 8, False)
    try:
        r = subprocess.run([binary, "pixels", path, "-o", path + ".raw"], capture_output=True, text=True, timeout=20)
        ok = r.returncode in (1, 3) or (r.returncode == 0)  # OpenJPEG may return a partial image: no crash is what counts
        check(ok and r.returncode < 128, f"HTJ2K cut to {cut}%: exit {r.returncode}, no crash")
    except subprocess.TimeoutExpired:
        check(False, f"HTJ2K cut to {cut}%: hung")

print(f"htj2k: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
