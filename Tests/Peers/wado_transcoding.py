#!/usr/bin/env python3
"""WADO-RS transfer-syntax negotiation and transcoding, checked with pydicom as the oracle.

Usage: Tests/Peers/wado_transcoding.py BASE_URL FIXTURE_DIR

Stores the native-syntax fixtures (implicit LE, explicit LE and BE, deflated, nested sequences,
multi-frame, GB18030 text), lossless compressed copies of the CT made by dcmtk at test time
(JPEG lossless SV1, RLE, JPEG-LS) and a damaged JPEG fixture, under fresh UIDs, then retrieves them:
- without a transfer-syntax parameter: Explicit VR Little Endian (PS3.18 §8.7.3.5) — every element
  equal to the source as pydicom reads both, pixel values equal (pixel_array);
- `transfer-syntax=*`: the stored bytes, SHA-256 equal to what was sent;
- a list of syntaxes: the stored one when listed, else the first one the server can produce;
- compressed objects without a transfer-syntax parameter: decoded, pixel values equal to the
  source CT's (lossless), all other elements unchanged;
- a syntax it cannot produce (JPEG for a native object; native for a JPEG that does not decode):
  406 with the reason, and nothing sent.
Last line: `wado-transcoding: N passed, N failed`.
"""
import hashlib
import http.client
import io
import re
import secrets
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from urllib.parse import urlsplit
from pathlib import Path

import numpy
import pydicom
import requests

EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE, DEFLATED = (
    "1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99")
JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
NATIVE = ["ct_implicit_le.dcm", "ct_explicit_le.dcm", "ct_explicit_be.dcm", "ct_deflated.dcm",
          "sq_nested_implicit.dcm", "multiframe_native.dcm", "charset_gb18030_four_byte.dcm"]
DAMAGED = ["encapsulated_bot.dcm"]  # JPEG framing around bytes that are not a JPEG image
# dcmtk encoders → the transfer syntax they write (all lossless, so pixels must come back exact).
ENCODERS = {"jpeg-lossless-sv1": (["dcmcjpeg", "+e1"], "1.2.840.10008.1.2.4.70"),
            "rle": (["dcmcrle"], "1.2.840.10008.1.2.5"),
            "jpeg-ls-lossless": (["dcmcjpls", "+el"], "1.2.840.10008.1.2.4.80")}


class Report:
    def __init__(self) -> None:
        self.passed = self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def new_uid(old: str) -> str:
    n = len(old) - len("2.25.")
    return "2.25." + str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(n - 1))


def reuid(data: bytes) -> bytes:
    """Fresh Study/Series/SOP UIDs patched in place at the same length (the deflated data set
    is inflated, patched and deflated again)."""
    ds = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
    pairs = [(str(ds.StudyInstanceUID), None), (str(ds.SeriesInstanceUID), None), (str(ds.SOPInstanceUID), None)]
    pairs = [(old.encode(), new_uid(old).encode()) for old, _ in pairs]

    def patch(b: bytes) -> bytes:
        for old, new in pairs:
            b = b.replace(old, new)
        return b

    if ds.file_meta.TransferSyntaxUID == DEFLATED:
        meta_end = 132 + 12 + int.from_bytes(data[140:144], "little")  # after (0002,0000) and its group
        body = zlib.decompress(data[meta_end:], -15)
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        return patch(data[:meta_end]) + packer.compress(patch(body)) + packer.flush()
    return patch(data)


def multipart_parts(response: requests.Response) -> list[tuple[dict, bytes]]:
    """(headers, body) of each part of a multipart/related response."""
    boundary = re.search(r'boundary="?([^";]+)', response.headers["Content-Type"]).group(1).encode()
    out = []
    for chunk in response.content.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, body = chunk.partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        out.append((headers, body[:-2] if body.endswith(b"\r\n") else body))
    return out


def same_elements(src: pydicom.Dataset, got: pydicom.Dataset) -> list[str]:
    """Differences in value between two data sets, pixel data compared as decoded pixel arrays."""
    diffs = []
    for elem in src:
        if elem.tag == 0x7FE00010:
            continue
        if elem.tag not in got:
            diffs.append(f"{elem.tag} missing")
            continue
        other = got[elem.tag]
        if elem.VR == "SQ":
            if len(elem.value) != len(other.value):
                diffs.append(f"{elem.tag} {len(other.value)} items")
            else:
                for i, (a, b) in enumerate(zip(elem.value, other.value)):
                    diffs += [f"{elem.tag}[{i}]{d}" for d in same_elements(a, b)]
        elif elem.value != other.value:
            diffs.append(f"{elem.tag} {other.value!r:.40} != {elem.value!r:.40}")
    return diffs


def main() -> int:
    base, fixtures = sys.argv[1].rstrip("/"), Path(sys.argv[2])
    rep = Report()
    s = requests.Session()
    stored: dict[str, tuple[bytes, pydicom.Dataset]] = {}
    boundary = "transcoding-test-boundary"
    body = b""
    scratch = Path(tempfile.mkdtemp(prefix="wado-transcoding-"))
    sources = {name: (fixtures / name).read_bytes() for name in NATIVE + DAMAGED}
    for label, (command, _) in ENCODERS.items():
        out = scratch / f"{label}.dcm"
        subprocess.run(command + [str(fixtures / "ct_explicit_le.dcm"), str(out)], check=True)
        sources[label] = out.read_bytes()
    for name, raw in sources.items():
        data = reuid(raw)
        stored[name] = (data, pydicom.dcmread(io.BytesIO(data)))
        body += f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    r = s.post(f"{base}/studies", data=body,
               headers={"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                        "Accept": "application/dicom+json"})
    rep.check("STOW-RS of the fixtures under fresh UIDs", r.status_code == 200, f"HTTP {r.status_code}")

    def url(ds: pydicom.Dataset) -> str:
        return f"{base}/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}"

    for name in NATIVE:
        data, src = stored[name]
        stored_ts = src.file_meta.TransferSyntaxUID
        # Default: Explicit VR Little Endian, values and pixels unchanged.
        r = s.get(url(src), headers={"Accept": "application/dicom"})
        ctype = r.headers.get("Content-Type", "")
        ok = r.status_code == 200 and f"transfer-syntax={EXPLICIT_LE}" in ctype
        detail = f"HTTP {r.status_code} {ctype}"
        if ok:
            got = pydicom.dcmread(io.BytesIO(r.content))
            diffs = same_elements(src, got)
            if got.file_meta.TransferSyntaxUID != EXPLICIT_LE:
                diffs.append(f"file meta says {got.file_meta.TransferSyntaxUID}")
            if "PixelData" in src and not numpy.array_equal(src.pixel_array, got.pixel_array):
                diffs.append("pixel values differ")
            ok, detail = not diffs, "; ".join(diffs[:4]) or f"{len(src)} elements and the pixels equal (stored {stored_ts})"
        rep.check(f"{name}: no transfer-syntax → Explicit VR LE", ok, detail)

        r = s.get(url(src), headers={"Accept": "application/dicom; transfer-syntax=*"})
        rep.check(f"{name}: transfer-syntax=* → the stored bytes",
                  r.status_code == 200 and hashlib.sha256(r.content).digest() == hashlib.sha256(data).digest(),
                  f"HTTP {r.status_code}, {len(r.content)} bytes")

        r = s.get(url(src), headers={"Accept": f"application/dicom; transfer-syntax={JPEG_BASELINE}"})
        rep.check(f"{name}: a syntax we cannot produce (JPEG) → 406", r.status_code == 406 and not r.content.startswith(b"\0" * 128),
                  f"HTTP {r.status_code}")

    # A list: stored syntax when listed, else the first producible one.
    _, be = stored["ct_explicit_be.dcm"]
    _, le = stored["ct_explicit_le.dcm"]
    listing = (f"application/dicom; transfer-syntax={EXPLICIT_BE}, application/dicom; transfer-syntax={IMPLICIT_LE}")
    r = s.get(url(be), headers={"Accept": listing})
    rep.check("Accept list, big-endian object: the stored syntax (listed) is kept",
              f"transfer-syntax={EXPLICIT_BE}" in r.headers.get("Content-Type", ""), r.headers.get("Content-Type", ""))
    r = s.get(url(le), headers={"Accept": listing})
    ok = f"transfer-syntax={IMPLICIT_LE}" in r.headers.get("Content-Type", "")
    if ok:
        got = pydicom.dcmread(io.BytesIO(r.content))
        ok = got.file_meta.TransferSyntaxUID == IMPLICIT_LE and numpy.array_equal(got.pixel_array, le.pixel_array)
    rep.check("Accept list, explicit LE object: big endian cannot be made, implicit LE is", ok,
              r.headers.get("Content-Type", ""))

    # Multipart series retrieval with the default Accept: every part Explicit VR LE.
    r = s.get(f"{base}/studies/{be.StudyInstanceUID}/series/{be.SeriesInstanceUID}",
              headers={"Accept": 'multipart/related; type="application/dicom"'})
    parts = multipart_parts(r) if r.status_code == 200 else []
    syntaxes = {re.search(r"transfer-syntax=([0-9.]+)", h.get("content-type", "")).group(1) for h, _ in parts}
    pixels_ok = all(numpy.array_equal(pydicom.dcmread(io.BytesIO(p)).pixel_array, be.pixel_array) for _, p in parts)
    rep.check("multipart series, default Accept: every part Explicit VR LE with the source pixels",
              r.status_code == 200 and syntaxes == {EXPLICIT_LE} and pixels_ok and len(parts) == 1,
              f"HTTP {r.status_code}, {len(parts)} part(s), {sorted(syntaxes)}")

    # Compressed objects: as stored with *, decoded to the source pixels by default.
    _, ct = stored["ct_explicit_le.dcm"]
    for label, (_, syntax) in ENCODERS.items():
        data, src = stored[label]
        r = s.get(url(src), headers={"Accept": "application/dicom; transfer-syntax=*"})
        rep.check(f"{label}: transfer-syntax=* → the stored bytes ({syntax})", r.status_code == 200 and r.content == data,
                  f"HTTP {r.status_code}")
        r = s.get(url(src), headers={"Accept": "application/dicom"})
        ok = r.status_code == 200 and f"transfer-syntax={EXPLICIT_LE}" in r.headers.get("Content-Type", "")
        detail = f"HTTP {r.status_code} {r.text[:120] if r.status_code != 200 else ''}"
        if ok:
            got = pydicom.dcmread(io.BytesIO(r.content))
            diffs = [d for d in same_elements(src, got) if not d.startswith("(0028,2110)")]
            if not numpy.array_equal(got.pixel_array, ct.pixel_array):
                diffs.append("pixel values differ from the source CT")
            ok, detail = not diffs, "; ".join(diffs[:4]) or "decoded pixels equal the source CT's"
        rep.check(f"{label}: no transfer-syntax → decoded to Explicit VR LE", ok, detail)
        # Frames as native samples, what AI clients ask for; */* keeps the stored encoding.
        native = f'multipart/related; type="application/octet-stream"; transfer-syntax={EXPLICIT_LE}'
        r = s.get(url(src) + "/frames/1", headers={"Accept": native})
        parts = multipart_parts(r) if r.status_code == 200 else []
        rep.check(f"{label}: frames/1 as application/octet-stream (Explicit VR LE) → the decoded pixels",
                  len(parts) == 1 and parts[0][1] == ct.pixel_array.astype("<i2" if ct.PixelRepresentation else "<u2").tobytes(),
                  f"HTTP {r.status_code}, {len(parts)} part(s)")
        r = s.get(url(src) + "/frames/1", headers={"Accept": "*/*"})
        parts = multipart_parts(r) if r.status_code == 200 else []
        rep.check(f"{label}: frames/1 with */* → the stored codestream",
                  len(parts) == 1 and f"transfer-syntax={syntax}" in parts[0][0].get("content-type", ""),
                  f"HTTP {r.status_code}, {[h.get('content-type') for h, _ in parts]}")
    data, jpeg = stored["encapsulated_bot.dcm"]
    r = s.get(url(jpeg), headers={"Accept": "application/dicom; transfer-syntax=*"})
    rep.check("damaged JPEG object: transfer-syntax=* → the stored bytes",
              r.status_code == 200 and r.content == data, f"HTTP {r.status_code}")
    r = s.get(url(jpeg), headers={"Accept": "application/dicom"})
    rep.check("damaged JPEG object, default Accept: 406 naming why (no garbage pixels)",
              r.status_code == 406 and b"decod" in r.content, f"HTTP {r.status_code} {r.text[:100]!r}")
    r = s.get(url(jpeg) + "/frames/1",
              headers={"Accept": f'multipart/related; type="application/octet-stream"; transfer-syntax={EXPLICIT_LE}'})
    rep.check("damaged JPEG object, frames/1 as octet-stream: 406 naming why",
              r.status_code == 406 and b"decod" in r.content, f"HTTP {r.status_code} {r.text[:100]!r}")
    # Clients that hang up mid-way through a transcoded answer (bigger than the socket buffers,
    # so the writer thread is blocked on the pipe when they go): the server must carry on. This
    # once crashed it (libdispatch trapped on the pipe's semaphore freed below its start value).
    ds = pydicom.dcmread(io.BytesIO(stored["ct_explicit_le.dcm"][0]))
    frames, k = 20, 32  # 16×16 → 512×512, 20 frames: 10 MB
    ds.PixelData = numpy.tile(ds.pixel_array[None], (frames, k, k)).astype(ds.pixel_array.dtype).tobytes()
    ds.Rows, ds.Columns, ds.NumberOfFrames = ds.Rows * k, ds.Columns * k, frames
    ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=True, little_endian=True)
    big = reuid(buf.getvalue())
    bigds = pydicom.dcmread(io.BytesIO(big), stop_before_pixels=True)
    r = s.post(f"{base}/studies", data=f"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n".encode() + big
               + f"\r\n--{boundary}--\r\n".encode(),
               headers={"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
                        "Accept": "application/dicom+json"})
    u = urlsplit(url(bigds))
    got, r2, problem = None, None, ""
    try:
        for _ in range(10):
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            c.request("GET", u.path, headers={"Accept": f'multipart/related; type="application/dicom"; transfer-syntax={EXPLICIT_LE}'})
            c.getresponse().read(1000)
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not a clean close
            c.close()
        time.sleep(0.5)
        r2 = requests.get(url(bigds), headers={"Accept": "application/dicom"}, timeout=60)
        got = pydicom.dcmread(io.BytesIO(r2.content)) if r2.status_code == 200 else None
    except (OSError, http.client.HTTPException, requests.RequestException) as e:
        problem = f"; {type(e).__name__}: {e}"
    rep.check(f"10 clients gone mid-way through a transcoded {len(big) >> 20} MB object: the server still answers, in full",
              r.status_code == 200 and got is not None and got.file_meta.TransferSyntaxUID == EXPLICIT_LE
              and numpy.array_equal(got.pixel_array, ds.pixel_array),
              f"STOW {r.status_code}, then HTTP {r2.status_code if r2 is not None else '-'}{problem}")
    print(f"wado-transcoding: {rep.passed} passed, {rep.failed} failed")
    return 0 if rep.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
