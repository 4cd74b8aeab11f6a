"""Checks that every original instance arrived with a byte-identical data set.

usage: compare_datasets.py RECEIVED_DIR ORIGINAL.dcm...
Files are matched by SOP Instance UID; the data set is the bytes after the File Meta
Information (its length read from (0002,0000)). Exit 0 when all match and nothing extra came."""
import os
import struct
import sys

import pydicom


def data_set(path):
    with open(path, "rb") as f:
        b = f.read()
    assert b[128:132] == b"DICM", f"{path}: no DICM prefix"
    assert b[132:138] == b"\x02\x00\x00\x00UL", f"{path}: no (0002,0000) group length"
    (n,) = struct.unpack("<I", b[140:144])
    return b[144 + n:]


def uid(path):
    return str(pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID)


received_dir, originals = sys.argv[1], sys.argv[2:]
received = {}
for root, _, files in os.walk(received_dir):
    for name in files:
        p = os.path.join(root, name)
        received[uid(p)] = p
bad = 0
for o in originals:
    u = uid(o)
    if u not in received:
        print(f"missing: {o} ({u})")
        bad += 1
    elif data_set(received.pop(u)) != data_set(o):
        print(f"data set differs: {o}")
        bad += 1
for u, p in received.items():
    print(f"unexpected: {p} ({u})")
    bad += 1
print(f"{len(originals) - bad}/{len(originals)} data sets byte-identical")
sys.exit(1 if bad else 0)
