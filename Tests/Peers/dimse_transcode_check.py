"""Transcoded C-GET/C-MOVE sub-operations, the peer-side checks.

make OUT TEMPLATE: writes OUT/jpegll.dcm (dcmcjpeg, JPEG lossless SV1) and OUT/rle.dcm (dcmcrle, RLE lossless): a
    256x256 signed 16-bit CT and a 2-frame 128x128 unsigned 8-bit image, made from TEMPLATE with new UIDs, one new
    study; prints the Study Instance UID.
check DIR TRANSFER_SYNTAX SOURCE...: every SOURCE arrived in DIR (matched by SOP Instance UID) in TRANSFER_SYNTAX,
    and its pixels equal the source's decoded pixels (pydicom with its pylibjpeg / RLE plugins as the oracle).
"""
import os
import subprocess
import sys

import numpy as np
import pydicom
from pydicom.uid import ExplicitVRLittleEndian, generate_uid


def make(out, template):
    os.makedirs(out, exist_ok=True)
    study = generate_uid(prefix="2.25.")
    rng = np.random.default_rng(11)

    def native(name, rows, cols, frames, bits, signed, pixels):
        ds = pydicom.dcmread(template)
        ds.StudyInstanceUID = study
        ds.SeriesInstanceUID = generate_uid(prefix="2.25.")
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid(prefix="2.25.")
        ds.Rows, ds.Columns = rows, cols
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, bits, bits - 1
        ds.PixelRepresentation = 1 if signed else 0
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        if frames > 1:
            ds.NumberOfFrames = frames
        ds.PixelData = pixels.tobytes()
        ds["PixelData"].VR = "OW" if bits > 8 else "OB"
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        path = os.path.join(out, name + "-native.dcm")
        ds.save_as(path, enforce_file_format=True)
        return path

    y, x = np.mgrid[0:256, 0:256]
    ct = ((x * 7 + y * 3) % 2000 - 1000 + rng.integers(-20, 20, (256, 256))).astype(np.int16)
    src = native("jpegll", 256, 256, 1, 16, True, ct)
    subprocess.run(["dcmcjpeg", "+e1", src, os.path.join(out, "jpegll.dcm")], check=True)
    frames = rng.integers(0, 256, (2, 128, 128), dtype=np.uint8)
    frames[:, :64, :] = 40  # runs for RLE
    src = native("rle", 128, 128, 2, 8, False, frames)
    subprocess.run(["dcmcrle", src, os.path.join(out, "rle.dcm")], check=True)
    for name in ("jpegll", "rle"):
        os.remove(os.path.join(out, name + "-native.dcm"))
    print(study)


def check(directory, syntax, sources):
    received = {}
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        try:
            ds = pydicom.dcmread(path)
        except Exception:
            continue
        received[str(ds.SOPInstanceUID)] = ds
    failures = []
    for path in sources:
        src = pydicom.dcmread(path)
        uid = str(src.SOPInstanceUID)
        got = received.get(uid)
        if got is None:
            failures.append(f"{os.path.basename(path)}: not received")
            continue
        if str(got.file_meta.TransferSyntaxUID) != syntax:
            failures.append(f"{os.path.basename(path)}: received in {got.file_meta.TransferSyntaxUID}, expected {syntax}")
            continue
        a, b = src.pixel_array, got.pixel_array
        if a.shape != b.shape or a.dtype != b.dtype or not np.array_equal(a, b):
            failures.append(f"{os.path.basename(path)}: pixels differ ({a.shape} {a.dtype} vs {b.shape} {b.dtype})")
            continue
        for keyword in ("PatientID", "StudyInstanceUID", "SOPClassUID", "Rows", "Columns", "BitsStored",
                        "PixelRepresentation"):
            if src.get(keyword) != got.get(keyword):
                failures.append(f"{os.path.basename(path)}: {keyword} {src.get(keyword)} became {got.get(keyword)}")
        print(f"{os.path.basename(path)} ({src.file_meta.TransferSyntaxUID}) arrived in {syntax}: {a.shape} pixels equal")
    for f in failures:
        print("FAIL:", f)
    return not failures


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3], sys.argv[4:]) else 1)
    else:
        sys.exit(__doc__)
