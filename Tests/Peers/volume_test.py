#!/usr/bin/env python3
"""A series as one volume for AI clients, checked against numpy + pydicom.

Usage: Tests/Peers/volume_test.py BASE_URL

Generates small synthetic series with pydicom (no patient data), stores them over STOW-RS and
fetches `…/series/{uid}/volume/header` and `…/volume`:
- a CT whose InstanceNumbers run against its positions along the normal, on an oblique plane,
  with Rescale Intercept -1024: slices in position order, int16 Hounsfield units equal to
  pixel_array * slope + intercept, spacing/origin/direction from the geometry;
- the same CT JPEG-lossless compressed by dcmtk: the same array;
- an MR without rescale: uint16 stored values; a fractional slope: float32;
- slices that disagree in orientation: 422 naming why; an unknown series: 404.
Last line: `volume: N passed, N failed`.
"""
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy
import pydicom
import requests
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT, MR = "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4"
rng = numpy.random.default_rng(7)


class Report:
    def __init__(self) -> None:
        self.passed = self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)
        self.passed += ok
        self.failed += not ok


def series(modality: str, n: int, *, slope: float = 1.0, intercept: float = 0.0, signed: bool = False,
           orientation=(1, 0, 0, 0, 1, 0), tilt_last: bool = False) -> list[bytes]:
    study, ser = generate_uid(), generate_uid()
    row, col = numpy.array(orientation[:3], float), numpy.array(orientation[3:], float)
    normal = numpy.cross(row, col)
    out = []
    for k in range(n):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CT if modality == "CT" else MR
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, ser
        ds.Modality, ds.PatientID, ds.PatientName = modality, "VOLTEST", "Volume^Test"
        ds.InstanceNumber = n - k  # against the geometry on purpose
        ds.ImageOrientationPatient = list(orientation if not (tilt_last and k == n - 1) else (1, 0, 0, 0, 0.8, 0.6))
        ds.ImagePositionPatient = [float(v) for v in (numpy.array([-40.0, -30.0, 10.0]) + normal * 2.5 * k)]
        ds.PixelSpacing = [0.7, 0.6]
        ds.Rows, ds.Columns = 24, 20
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
        ds.PixelRepresentation = 1 if signed else 0
        if slope != 1.0 or intercept != 0.0:
            ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
        lo, hi = (-2048, 2047) if signed else (0, 4095)
        pixels = rng.integers(lo, hi + 1, size=(24, 20)).astype("<i2" if signed else "<u2")
        ds.PixelData = pixels.tobytes()
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
        out.append(buf.getvalue())
    rng.shuffle(out)  # arrival order says nothing either
    return out


def stow(s: requests.Session, base: str, files: list[bytes]) -> int:
    boundary = "volume-test"
    body = b"".join(f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + f + b"\r\n" for f in files)
    body += f"--{boundary}--\r\n".encode()
    return s.post(f"{base}/studies", data=body, headers={
        "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}'}).status_code


def expected(files: list[bytes]):
    dss = [pydicom.dcmread(io.BytesIO(f)) for f in files]
    iop = numpy.array(dss[0].ImageOrientationPatient, float)
    normal = numpy.cross(iop[:3], iop[3:])
    dss.sort(key=lambda d: float(numpy.dot(numpy.array(d.ImagePositionPatient, float), normal)))
    arr = numpy.stack([d.pixel_array * float(d.get("RescaleSlope", 1)) + float(d.get("RescaleIntercept", 0)) for d in dss])
    return dss, arr, normal


def check_volume(rep: Report, s: requests.Session, base: str, name: str, files: list[bytes], dtype: str,
                 compare_files: list[bytes] | None = None) -> None:
    dss, arr, normal = expected(compare_files or files)
    ordered_uids = [d.SOPInstanceUID for d in expected(files)[0]]
    ds0 = pydicom.dcmread(io.BytesIO(files[0]))
    url = f"{base}/studies/{ds0.StudyInstanceUID}/series/{ds0.SeriesInstanceUID}/volume"
    r = s.get(url + "/header")
    if r.status_code != 200:
        rep.check(f"{name}: header", False, f"HTTP {r.status_code} {r.text[:120]}")
        return
    h = r.json()
    problems = []
    if h["shape"] != [len(files), 24, 20]:
        problems.append(f"shape {h['shape']}")
    if h["dtype"] != dtype:
        problems.append(f"dtype {h['dtype']} != {dtype}")
    if not numpy.allclose(h["spacing"], [2.5, 0.7, 0.6], atol=1e-6):
        problems.append(f"spacing {h['spacing']}")
    if not numpy.allclose(h["origin"], [float(v) for v in dss[0].ImagePositionPatient], atol=1e-6):
        problems.append(f"origin {h['origin']}")
    if not numpy.allclose(h["direction"][2], normal, atol=1e-6):
        problems.append(f"normal {h['direction'][2]}")
    if h["sopInstanceUIDs"] != ordered_uids:
        problems.append("slice order differs from the positions along the normal")
    rep.check(f"{name}: header (shape, dtype, spacing, origin, direction, slice order)", not problems, "; ".join(problems))
    r = s.get(url)
    got = numpy.frombuffer(r.content, dtype=numpy.dtype(dtype).newbyteorder("<")).reshape(h["shape"]) if r.status_code == 200 else None
    ok = got is not None and numpy.array_equal(got.astype(float), arr.astype(numpy.dtype(dtype)).astype(float))
    rep.check(f"{name}: array equals pixel_array × slope + intercept in position order", ok,
              f"HTTP {r.status_code}, {len(r.content)} bytes, X-Volume-Shape {r.headers.get('X-Volume-Shape')}")


def main() -> int:
    base = sys.argv[1].rstrip("/")
    rep = Report()
    s = requests.Session()
    oblique = (0.8660254, 0.5, 0.0, -0.5, 0.8660254, 0.0)
    ct = series("CT", 12, intercept=-1024.0, orientation=oblique)
    rep.check("STOW-RS of a 12-slice CT", stow(s, base, ct) == 200)
    check_volume(rep, s, base, "CT, oblique, InstanceNumber against the positions", ct, "int16")

    scratch = Path(tempfile.mkdtemp(prefix="volume-test-"))
    compressed = []
    jpeg_series = generate_uid()
    for i, f in enumerate(ct):
        src, dst = scratch / f"{i}.dcm", scratch / f"{i}.jpg.dcm"
        src.write_bytes(f)
        subprocess.run(["dcmcjpeg", "+e1", str(src), str(dst)], check=True)
        ds = pydicom.dcmread(dst)
        ds.SeriesInstanceUID = jpeg_series
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
        compressed.append(buf.getvalue())
    rep.check("STOW-RS of the same CT, JPEG lossless", stow(s, base, compressed) == 200)
    check_volume(rep, s, base, "CT, JPEG lossless", compressed, "int16", compare_files=ct)

    mr = series("MR", 6)
    rep.check("STOW-RS of an MR", stow(s, base, mr) == 200)
    check_volume(rep, s, base, "MR without rescale", mr, "uint16")
    pet = series("CT", 5, slope=0.5, intercept=-3.25, signed=True)
    rep.check("STOW-RS of a series with a fractional slope", stow(s, base, pet) == 200)
    check_volume(rep, s, base, "fractional slope", pet, "float32")

    bad = series("CT", 4, tilt_last=True)
    rep.check("STOW-RS of a series with one tilted slice", stow(s, base, bad) == 200)
    d = pydicom.dcmread(io.BytesIO(bad[0]))
    r = s.get(f"{base}/studies/{d.StudyInstanceUID}/series/{d.SeriesInstanceUID}/volume/header")
    rep.check("mixed orientations → 422 naming why", r.status_code == 422 and "orientation" in r.text, f"HTTP {r.status_code} {r.text[:90]}")
    r = s.get(f"{base}/studies/{d.StudyInstanceUID}/series/1.2.3.4/volume")
    rep.check("unknown series → 404", r.status_code == 404, f"HTTP {r.status_code}")
    print(f"volume: {rep.passed} passed, {rep.failed} failed")
    return 0 if rep.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
