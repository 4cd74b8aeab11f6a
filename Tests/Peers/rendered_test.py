#!/usr/bin/env python3
"""WADO-RS rendered resources and thumbnails against dcmtk's dcm2pnm.

Usage: Tests/Peers/rendered_test.py BASE_URL

Generates small synthetic images with pydicom (a 4-slice CT with a window in the file, a
MONOCHROME1 image, a 3-frame image), stores them over STOW-RS, then checks:
- /rendered as PNG equals dcm2pnm's rendering at the file's window (+Wi 1) and at a requested
  window (window=C,W vs +Ww C W) to PSNR ≥ 40 dB; MONOCHROME1 comes out inverted like dcm2pnm's;
- viewport bounds the size with the aspect ratio kept; quality changes the JPEG;
- /thumbnail at study, series, instance and frame level: a JPEG within 128 px, ETag + 304;
- frames/N/rendered picks the frame; a missing frame is 404;
- bad input: Accept image/gif → 406, a bad viewport/window/quality → 400, no renderer for a
  non-image → 406, unknown study → 404.
Last line: `rendered: N passed, N failed`.
"""
import io
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy
import pydicom
import requests
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

rng = numpy.random.default_rng(11)


class Report:
    def __init__(self) -> None:
        self.passed = self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)
        self.passed += ok
        self.failed += not ok


def image(study: str, series: str, number: int, *, rows=48, cols=40, photometric="MONOCHROME2", frames=1,
          window=(40.0, 400.0), intercept=-1024.0) -> bytes:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
    ds.Modality, ds.PatientID, ds.PatientName, ds.InstanceNumber = "CT", "RENDERTEST", "Render^Test", number
    ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation = rows, cols, 1, photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleSlope, ds.RescaleIntercept = 1, intercept
    if window:
        ds.WindowCenter, ds.WindowWidth = window
    if frames > 1:
        ds.NumberOfFrames = frames
    # A gradient plus noise: every window shows structure.
    y, x = numpy.mgrid[0:rows, 0:cols]
    base = (x * 4000 // max(cols - 1, 1) + y * 7) % 4096
    pixels = numpy.stack([(base + 300 * f + rng.integers(0, 50, size=base.shape)) % 4096 for f in range(frames)])
    ds.PixelData = pixels.astype("<u2").tobytes()
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def stow(s: requests.Session, base: str, files: list[bytes]) -> int:
    boundary = "rendered-test"
    body = b"".join(f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + f + b"\r\n" for f in files)
    body += f"--{boundary}--\r\n".encode()
    return s.post(f"{base}/studies", data=body, headers={
        "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}'}).status_code


def dcmtk(data: bytes, *args: str) -> numpy.ndarray:
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "in.dcm", Path(d) / "out.pgm"
        src.write_bytes(data)
        subprocess.run(["dcm2pnm", *args, str(src), str(out)], check=True, capture_output=True)
        return numpy.asarray(Image.open(out), dtype=float)


def psnr(a: numpy.ndarray, b: numpy.ndarray) -> float:
    mse = float(numpy.mean((a - b) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def main() -> int:
    base = sys.argv[1].rstrip("/")
    rep = Report()
    s = requests.Session()
    study, series = generate_uid(), generate_uid()
    ct = [image(study, series, n) for n in range(1, 5)]
    mono1 = image(study, generate_uid(), 1, photometric="MONOCHROME1", window=(1000.0, 2000.0), intercept=0.0)
    multi = image(study, generate_uid(), 1, frames=3, window=None, intercept=0.0)
    rep.check("STOW-RS of the synthetic study", stow(s, base, ct + [mono1, multi]) == 200)

    def url(data: bytes) -> str:
        d = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
        return f"{base}/studies/{d.StudyInstanceUID}/series/{d.SeriesInstanceUID}/instances/{d.SOPInstanceUID}"

    def png(r: requests.Response) -> numpy.ndarray | None:
        if r.status_code != 200 or r.headers.get("Content-Type") != "image/png":
            return None
        return numpy.asarray(Image.open(io.BytesIO(r.content)).convert("L"), dtype=float)

    for name, data, ours_q, theirs in (
        ("CT at the file's window", ct[0], "", ["+Wi", "1"]),
        ("CT at window=-600,1500", ct[0], "?window=-600,1500", ["+Ww", "-600", "1500"]),
        ("MONOCHROME1 (inverted)", mono1, "", ["+Wi", "1"]),
    ):
        got = png(s.get(url(data) + "/rendered" + ours_q, headers={"Accept": "image/png"}))
        want = dcmtk(data, *theirs)
        ok = got is not None and got.shape == want.shape and psnr(got, want) >= 40
        rep.check(f"/rendered PNG, {name}: PSNR against dcm2pnm ≥ 40 dB", ok,
                  f"PSNR {psnr(got, want):.1f} dB" if got is not None and got.shape == want.shape else "no image")

    # 16-bit grey where asked (Accept: image/png; bits=16): the same picture, 257 times finer steps.
    r16 = s.get(url(ct[0]) + "/rendered?window=-600,1500", headers={"Accept": "image/png; bits=16"})
    r8 = png(s.get(url(ct[0]) + "/rendered?window=-600,1500", headers={"Accept": "image/png"}))
    ok = r16.status_code == 200 and r16.headers.get("Content-Type") == "image/png" and r16.content[24] == 16
    if ok:
        wide = numpy.asarray(Image.open(io.BytesIO(r16.content)), dtype=float)
        ok = r8 is not None and wide.shape == r8.shape and float(numpy.max(numpy.abs(wide / 257 - r8))) <= 0.5 + 1e-6 \
            and len(numpy.unique(wide)) >= len(numpy.unique(r8))
    rep.check("Accept image/png; bits=16 → 16-bit grey PNG, equal to the 8-bit one within rounding", ok,
              f"HTTP {r16.status_code}, bit depth {r16.content[24] if r16.status_code == 200 else '-'}")
    r = s.get(url(ct[0]) + "/rendered", headers={"Accept": "image/png; bits=12"})
    rep.check("Accept image/png; bits=12 → 406", r.status_code == 406, f"HTTP {r.status_code}")

    r = s.get(url(ct[0]) + "/rendered?viewport=20,20", headers={"Accept": "image/png"})
    size = Image.open(io.BytesIO(r.content)).size if r.status_code == 200 else None
    rep.check("viewport=20,20 on 40×48: fits, aspect kept", size == (17, 20), f"{size}")
    a = s.get(url(ct[0]) + "/rendered?quality=10").content
    b = s.get(url(ct[0]) + "/rendered?quality=95").content
    rep.check("JPEG by default; quality changes it", a[:2] == b"\xff\xd8" and len(a) < len(b), f"{len(a)} < {len(b)} bytes")

    frames = [png(s.get(url(multi) + f"/frames/{n}/rendered?window=2000,4096", headers={"Accept": "image/png"})) for n in (1, 2, 3)]
    rep.check("frames/N/rendered: three different frames", all(f is not None for f in frames)
              and not numpy.array_equal(frames[0], frames[1]) and not numpy.array_equal(frames[1], frames[2]))
    r = s.get(url(multi) + "/frames/4/rendered")
    rep.check("frames/4 of a 3-frame image → 404", r.status_code == 404, f"HTTP {r.status_code}")

    sop1 = pydicom.dcmread(io.BytesIO(ct[1]), stop_before_pixels=True).SOPInstanceUID
    for level, path in (("study", f"{base}/studies/{study}/thumbnail"),
                        ("series", f"{base}/studies/{study}/series/{series}/thumbnail"),
                        ("instance", url(ct[2]) + "/thumbnail"),
                        ("frame", url(multi) + "/frames/2/thumbnail")):
        r = s.get(path)
        ok = r.status_code == 200 and r.content[:2] == b"\xff\xd8" and max(Image.open(io.BytesIO(r.content)).size) <= 128
        etag = r.headers.get("ETag")
        again = s.get(path, headers={"If-None-Match": etag or "x"})
        rep.check(f"/thumbnail at {level} level: JPEG ≤ 128 px, ETag, 304 on If-None-Match",
                  ok and etag is not None and again.status_code == 304, f"HTTP {r.status_code}, then {again.status_code}")
    # The series thumbnail shows the middle instance of four (the second by InstanceNumber).
    series_thumb = s.get(f"{base}/studies/{study}/series/{series}/thumbnail").content
    middle = s.get(f"{base}/studies/{study}/series/{series}/instances/{sop1}/thumbnail").content
    rep.check("series thumbnail = its middle instance's thumbnail", series_thumb == middle)

    for name, path, headers, want in (
        ("Accept image/gif → 406", url(ct[0]) + "/rendered", {"Accept": "image/gif"}, 406),
        ("viewport=0,10 → 400", url(ct[0]) + "/rendered?viewport=0,10", {}, 400),
        ("viewport with a source region → 400", url(ct[0]) + "/rendered?viewport=10,10,0,0,5,5", {}, 400),
        ("window=abc → 400", url(ct[0]) + "/rendered?window=abc", {}, 400),
        ("quality=0 → 400", url(ct[0]) + "/rendered?quality=0", {}, 400),
        ("unknown study → 404", f"{base}/studies/1.2.3.999/thumbnail", {}, 404),
    ):
        r = s.get(path, headers=headers)
        rep.check(name, r.status_code == want, f"HTTP {r.status_code} {r.text[:80] if r.status_code >= 400 else ''}")
    print(f"rendered: {rep.passed} passed, {rep.failed} failed")
    return 0 if rep.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
