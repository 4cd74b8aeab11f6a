"""The small test fixtures under Fixtures/: one tiny synthetic CT slice written in every way the
parser must handle, deliberately broken variants, and a tiny multi-hospital study set.

Everything is deterministic: re-running writes identical bytes (MANIFEST.tsv lists each sha256).
Only synthetic data: the patients, hospitals and identifiers come from identity.py.
"""

from __future__ import annotations

import copy
import hashlib
import os
import shutil

import identity
import oracle
import studies
from p10 import (DEFLATED_LE, EXPLICIT_BE, EXPLICIT_LE, IMPLICIT_LE, JPEG_BASELINE, Dataset, Element,
                 Encapsulated, Item, encode_dataset, encode_file, file_meta)

SEED = 20261122
MANIFEST_COLUMNS = ["file", "sha256", "bytes", "transfer_syntax", "purpose", "pydicom", "dcmdump"]


def base_ct(size: int = 16) -> Dataset:
    """One tiny CT slice of the first synthetic patient (GB18030 names, national ID, issuer)."""
    options = studies.StudyOptions(out="", patients=1, hospitals=1, ct_slices=1, ct_size=size, seed=SEED)
    hospitals = identity.make_hospitals(options.hospitals, SEED)
    people = identity.make_people(options.patients, SEED)
    visit = studies.plan_visits(people, hospitals, SEED)[0]
    study = studies.make_study_context(visit, "CT", SEED, 0)
    _, _, _, ds = next(studies.ct_series(study, SEED, 1, size))
    return ds


def fake_jpeg(n: int, tag: int) -> bytes:
    """Bytes framed like a JPEG codestream (SOI … EOI); the parser locates, never decodes them."""
    body = bytes((tag + i) % 251 for i in range(n))
    return b"\xff\xd8" + body + b"\xff\xd9"


def multiframe(ds: Dataset, frames: int) -> Dataset:
    ds = copy.deepcopy(ds)
    ds.add(0x00280008, "IS", str(frames))
    rows = ds.get(0x00280010)
    pixels = ds.get(0x7FE00010)
    raw = pixels.tobytes() if hasattr(pixels, "tobytes") else bytes(pixels)
    ds.add(0x7FE00010, "OW", raw * frames)
    return ds


def encapsulated(ds: Dataset, frames: int, fragments_per_frame: int, with_bot: bool) -> Dataset:
    ds = copy.deepcopy(ds)
    ds.add(0x00280008, "IS", str(frames))
    fragments, offsets, position = [], [], 0
    for f in range(frames):
        offsets.append(position)
        stream = fake_jpeg(40 + 6 * f, f)
        cut = len(stream) // fragments_per_frame
        parts = [stream[i * cut:(i + 1) * cut if i < fragments_per_frame - 1 else len(stream)]
                 for i in range(fragments_per_frame)]
        for part in parts:
            if len(part) % 2:
                part += b"\0"
            fragments.append(part)
            position += 8 + len(part)
    ds.add(0x7FE00010, "OB", Encapsulated(fragments, offsets if with_bot else None), undefined_length=True)
    return ds, offsets


def as_gbk_bytes(ds: Dataset) -> Dataset:
    """Every non-ASCII text value pre-encoded as GBK bytes (written as is, whatever is declared)."""
    ds = copy.deepcopy(ds)
    for e in ds.elements.values():
        v = e.value
        if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            v = "\\".join(v)
        if isinstance(v, str) and not v.isascii():
            e.value = v.encode("gbk")
    return ds


def variants() -> list[tuple[str, bytes, str, str]]:
    """(file name, bytes, transfer syntax UID, purpose)."""
    ct = base_ct()
    out = []

    def add(name, data, syntax, purpose):
        out.append((name, data, syntax, purpose))

    add("ct_explicit_le.dcm", encode_file(ct, EXPLICIT_LE), EXPLICIT_LE.uid,
        "16x16 int16 CT, GB18030 names, issuer, national ID in OtherPatientIDsSequence")
    add("ct_implicit_le.dcm", encode_file(ct, IMPLICIT_LE), IMPLICIT_LE.uid, "same data set, implicit VR")
    add("ct_explicit_be.dcm", encode_file(ct, EXPLICIT_BE), EXPLICIT_BE.uid, "same data set, retired big endian")
    add("ct_deflated.dcm", encode_file(ct, DEFLATED_LE), DEFLATED_LE.uid, "same data set, deflated")
    no_preamble = encode_file(ct, EXPLICIT_LE, preamble=False)
    add("ct_no_preamble.dcm", no_preamble, EXPLICIT_LE.uid, "meta and data set without preamble or DICM")
    add("ct_no_meta_implicit.dcm", encode_dataset(ct, False, True), IMPLICIT_LE.uid,
        "bare implicit VR LE data set: no preamble, no meta")

    # Sequences: undefined length, nested three deep with mixed lengths, empty items.
    seq = copy.deepcopy(ct)
    level3 = Dataset().add(0x00080100, "SH", "T-D3000").add(0x00080102, "SH", "SRT").add(0x00080104, "LO", "Chest")
    level2 = Dataset().add(0x00082218, "SQ", [Item(level3, undefined_length=True)])
    level1 = Dataset().add(0x00081150, "UI", studies.CT_IMAGE_STORAGE).add(0x00081032, "SQ", [level2])
    seq.add(0x00081140, "SQ", [Item(level1, undefined_length=True), Item(Dataset(), undefined_length=False)],
            undefined_length=True)
    add("sq_nested_mixed.dcm", encode_file(seq, EXPLICIT_LE), EXPLICIT_LE.uid,
        "undefined-length SQ > undefined item > defined SQ > defined item > undefined item; an empty item")
    add("sq_nested_implicit.dcm", encode_file(seq, IMPLICIT_LE), IMPLICIT_LE.uid, "the same sequences, implicit VR")

    # Private tags with a private creator, and UN of undefined length holding a sequence (PS3.5 §6.2.2).
    priv = copy.deepcopy(ct)
    priv.add(0x00290010, "LO", "YINGYUN TEST PRIVATE")
    priv.add(0x00291010, "LO", "private text value")
    priv.add(0x00291011, "US", [7, 8])
    priv.add(0x00291012, "OB", bytes(range(24)))
    inner = Dataset().add(0x00291020, "LO", "inside UN sequence")
    priv.add(0x00291013, "UN", [Item(inner, undefined_length=True)], undefined_length=True)
    add("private_tags_un_sequence.dcm", encode_file(priv, EXPLICIT_LE), EXPLICIT_LE.uid,
        "private creator block (0029,10xx), private LO/US/OB, UN of undefined length holding an implicit VR sequence")

    # An odd-length value (lenient read with a warning).
    odd = copy.deepcopy(ct)
    odd.add(0x00081090, "LO", None, raw=b"ODD")
    add("odd_length.dcm", encode_file(odd, EXPLICIT_LE), EXPLICIT_LE.uid, "(0008,1090) LO with odd length 3")

    # Pixel data: native multi-frame, encapsulated with BOT, without BOT, with Extended Offset Table.
    add("multiframe_native.dcm", encode_file(multiframe(ct, 3), EXPLICIT_LE), EXPLICIT_LE.uid,
        "3 native frames of 16x16 int16")
    enc_bot, _ = encapsulated(ct, 3, 2, True)
    add("encapsulated_bot.dcm", encode_file(enc_bot, JPEG_BASELINE), JPEG_BASELINE.uid,
        "encapsulated: Basic Offset Table, 3 frames x 2 fragments (fake JPEG codestreams)")
    enc_none, _ = encapsulated(ct, 3, 1, False)
    add("encapsulated_no_bot.dcm", encode_file(enc_none, JPEG_BASELINE), JPEG_BASELINE.uid,
        "encapsulated: empty Basic Offset Table, one fragment per frame")
    enc_eot, offsets = encapsulated(ct, 3, 2, False)
    lengths = []
    frags = enc_eot.get(0x7FE00010).fragments
    for f in range(3):
        lengths.append(sum(len(x) for x in frags[2 * f:2 * f + 2]))
    import struct
    enc_eot.add(0x7FE00001, "OV", struct.pack("<3Q", *offsets))
    enc_eot.add(0x7FE00002, "OV", struct.pack("<3Q", *lengths))
    add("encapsulated_eot.dcm", encode_file(enc_eot, JPEG_BASELINE), JPEG_BASELINE.uid,
        "encapsulated: empty BOT, Extended Offset Table (7FE0,0001/0002), 3 frames x 2 fragments")

    # Character sets: GB18030 declared; GBK mislabelled as ISO_IR 100; GBK undeclared; 0x5C trail byte.
    gbk_latin1 = as_gbk_bytes(ct)
    gbk_latin1.add(0x00080005, "CS", "ISO_IR 100")
    gbk_latin1.add(0x00100010, "PN", "Wang^Fang=王^芳".encode("gbk"))
    gbk_latin1.add(0x00080080, "LO", "影云第二医院".encode("gbk"))
    add("charset_gbk_declared_latin1.dcm", encode_file(gbk_latin1, EXPLICIT_LE), EXPLICIT_LE.uid,
        "GBK bytes declared ISO_IR 100 (common from Chinese modalities): fallback decodes 王^芳")
    gbk_none = copy.deepcopy(gbk_latin1)
    gbk_none.remove(0x00080005)
    add("charset_gbk_undeclared.dcm", encode_file(gbk_none, EXPLICIT_LE), EXPLICIT_LE.uid,
        "GBK bytes with no Specific Character Set: fallback decodes them")
    trail = copy.deepcopy(ct)
    trail.add(0x00080005, "CS", "GB18030")
    # 乗 is 0x81 0x5C in GB18030: its trail byte is the value delimiter "\" (PS3.5 §6.1).
    trail.add(0x00081030, "LO", "乗用车\\胸部".encode("gb18030"))
    add("charset_gb18030_5c_trail.dcm", encode_file(trail, EXPLICIT_LE), EXPLICIT_LE.uid,
        "GB18030 LO with two values; the first has a character whose trail byte is 0x5C")

    # Deliberately broken.
    good = encode_file(ct, EXPLICIT_LE)
    add("broken_truncated.dcm", good[: len(good) - 101], EXPLICIT_LE.uid,
        "BROKEN: cut in the middle of the pixel data")
    lying = copy.deepcopy(ct)
    lying.add(0x00081090, "LO", "MODEL", length_override=4000)
    add("broken_lying_length.dcm", encode_file(lying, EXPLICIT_LE), EXPLICIT_LE.uid,
        "BROKEN: (0008,1090) declares 4000 bytes, far beyond the data set")
    add("broken_truncated_header.dcm", good[:700], EXPLICIT_LE.uid,
        "BROKEN: cut inside the data set header, mid element")
    huge = bytearray(good)
    # Pixel data (OW, 32-bit length) is the last element: claim ~2 GiB; only 512 bytes follow.
    at = bytes(huge).rfind(b"\xe0\x7f\x10\x00OW\x00\x00")
    huge[at + 8:at + 12] = (0x7FFFFFF0).to_bytes(4, "little")
    add("broken_lying_length_pixeldata.dcm", bytes(huge), EXPLICIT_LE.uid,
        "BROKEN: (7FE0,0010) declares 2147483632 bytes; the parser must refuse without allocating it")

    four = copy.deepcopy(ct)
    four.add(0x00080005, "CS", "GB18030")
    # 䶮 (U+4DAE) is a four-byte GB18030 sequence: outside GBK, so only a real GB18030 decoder reads it.
    four.add(0x00100010, "PN", "Liu^Yan=刘^䶮".encode("gb18030"))
    add("charset_gb18030_four_byte.dcm", encode_file(four, EXPLICIT_LE), EXPLICIT_LE.uid,
        "GB18030 PN with a four-byte character (䶮, U+4DAE)")
    return out


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_all(out: str) -> list[dict]:
    dicom = os.path.join(out, "dicom")
    shutil.rmtree(dicom, ignore_errors=True)
    os.makedirs(dicom)
    rows = []
    for name, data, syntax, purpose in variants():
        with open(os.path.join(dicom, name), "wb") as f:
            f.write(data)
        rows.append({"file": f"dicom/{name}", "transfer_syntax": syntax, "purpose": purpose})
    # A tiny multi-hospital set: 3 patients at 2 hospitals, CT 2 slices 32x32, MR 1 slice 16x16.
    study_rows = studies.generate(studies.StudyOptions(
        out=os.path.join(dicom, "studies"), patients=3, hospitals=2, ct_slices=2, mr_slices=1, ct_size=32,
        mr_size=16, syntax=EXPLICIT_LE, seed=SEED), log=lambda *_: None)
    for r in study_rows:
        rows.append({"file": f"dicom/studies/{r['path']}", "transfer_syntax": r["transfer_syntax"],
                     "purpose": f"multi-hospital set: {r['hospital']} {r['modality']} (see studies/manifest.tsv)"})
    for r in rows:
        path = os.path.join(out, r["file"])
        r["sha256"] = sha256(path)
        r["bytes"] = str(os.path.getsize(path))
        p_outcome, p_note, _ = oracle.pydicom_check(path, force="no_meta" in path)
        d_outcome, _ = oracle.dcmdump_check(path)
        r["pydicom"] = p_outcome + (f" ({p_note})" if p_outcome != "ok" and p_note else "")
        r["dcmdump"] = d_outcome
    with open(os.path.join(out, "MANIFEST.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(MANIFEST_COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(r[c].replace("\t", " ") for c in MANIFEST_COLUMNS) + "\n")
    print(f"wrote {len(rows)} fixtures, {sum(int(r['bytes']) for r in rows) / 1e3:.0f} kB, to {out}")
    return rows


def check_all(out: str) -> bool:
    """The committed fixtures are exactly what the generator writes now."""
    ok = True
    with open(os.path.join(out, "MANIFEST.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            name, digest = line.split("\t")[:2]
            if sha256(os.path.join(out, name)) != digest:
                print(f"changed: {name}")
                ok = False
    return ok
