#!/usr/bin/env python3
"""Peer test: `yingyun json --inline FILE` must agree with pydicom's Dataset.to_json_dict() on
every element (tag, VR, value, PN groups, sequence structure) of every DICOM file the pydicom
wheel ships as test data. Files that are deliberately broken, or that pydicom reads wrongly, are
listed with a reason in pydicom-exceptions.tsv.

Usage: compare_pydicom.py YINGYUN_BINARY [--verbose]
Prints one line per mismatching file and a closing 'N passed, N failed' line; exits 1 on failure.
"""
import base64
import math
import os
import subprocess
import sys
import warnings

import pydicom
from pydicom.errors import InvalidDicomError

HERE = os.path.dirname(os.path.abspath(__file__))
SWAP_VRS = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}
# PS3.5 §6.2: leading and trailing spaces are not significant in these VRs. pydicom strips only the
# end of the whole multi-valued string, so an inner value such as 'DERIVED ' keeps its padding there.
SPACE_INSIGNIFICANT = {"AE", "CS", "DA", "DT", "TM", "UI", "SH", "LO"}


def data_files():
    root = os.path.join(os.path.dirname(pydicom.__file__), "data")
    out = []
    for sub in ("test_files", "charset_files"):
        for dirpath, _, names in os.walk(os.path.join(root, sub)):
            for n in sorted(names):
                if n.endswith(".dcm") or n == "DICOMDIR" or n.startswith("DICOMDIR"):
                    out.append(os.path.join(dirpath, n))
    return sorted(out), root


def load_exceptions():
    ex = {}
    with open(os.path.join(HERE, "pydicom-exceptions.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, reason = line.rstrip("\n").split("\t", 1)
            ex[name] = reason
    return ex


def num_equal(a, b):
    if isinstance(a, str) or isinstance(b, str):
        try:
            a, b = float(a), float(b)
        except (TypeError, ValueError):
            return str(a).strip() == str(b).strip()
    if a is None or b is None:
        return a is b
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-6 * max(abs(a), abs(b))


def swapped(data, unit):
    n = len(data) - len(data) % unit
    return b"".join(data[i:i + unit][::-1] for i in range(0, n, unit)) + data[n:]


def compare(path, ours, theirs, big_endian, diffs):
    keys = sorted(set(ours) | set(theirs))
    for k in keys:
        if k.endswith("0000"):  # group lengths: pydicom keeps them, PS3.18 JSON leaves them out
            continue
        p = f"{path}/{k}"
        if k not in ours:
            diffs.append(f"{p}: missing in ours (pydicom {theirs[k].get('vr')})")
            continue
        if k not in theirs:
            diffs.append(f"{p}: extra in ours ({ours[k].get('vr')})")
            continue
        a, b = ours[k], theirs[k]
        if a.get("vr") != b.get("vr"):
            diffs.append(f"{p}: VR {a.get('vr')} vs pydicom {b.get('vr')}")
            continue
        vr = a["vr"]
        if "InlineBinary" in a or "InlineBinary" in b:
            x = base64.b64decode(a.get("InlineBinary", ""))
            y = base64.b64decode(b.get("InlineBinary", ""))
            if x != y and not (big_endian and vr in SWAP_VRS and swapped(y, SWAP_VRS[vr]) == x):
                diffs.append(f"{p}: InlineBinary differs ({len(x)} vs {len(y)} bytes)")
            continue
        va, vb = a.get("Value", []), b.get("Value", [])
        if len(va) != len(vb):
            diffs.append(f"{p}: {len(va)} values vs pydicom {len(vb)}: {str(va)[:80]} / {str(vb)[:80]}")
            continue
        for i, (x, y) in enumerate(zip(va, vb)):
            if vr == "SQ":
                compare(f"{p}[{i}]", x or {}, y or {}, big_endian, diffs)
            elif vr == "PN":
                x = {g: v for g, v in (x or {}).items() if v}
                y = {g: v for g, v in (y or {}).items() if v}
                if x != y:
                    diffs.append(f"{p}[{i}]: PN {x} vs pydicom {y}")
            elif vr in ("DS", "IS", "FL", "FD", "US", "SS", "UL", "SL", "SV", "UV"):
                if not num_equal(x, y):
                    diffs.append(f"{p}[{i}]: {x!r} vs pydicom {y!r}")
            elif vr in SPACE_INSIGNIFICANT:
                if (x or "").strip(" ") != (y or "").strip(" "):
                    diffs.append(f"{p}[{i}]: {x!r} vs pydicom {y!r}")
            else:
                if (x or "") != (y or ""):
                    diffs.append(f"{p}[{i}]: {x!r} vs pydicom {y!r}")


def main():
    binary = sys.argv[1]
    verbose = "--verbose" in sys.argv
    files, root = data_files()
    exceptions = load_exceptions()
    passed = failed = excepted = 0
    for f in files:
        name = os.path.relpath(f, root)
        run = subprocess.run([binary, "json", "--inline", f], capture_output=True, timeout=60)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    ds = pydicom.dcmread(f)
                except InvalidDicomError:
                    # No preamble/meta: we read those leniently (with a warning); so does pydicom when forced.
                    ds = pydicom.dcmread(f, force=True)
                theirs = ds.to_json_dict()
            pydicom_error = None
        except Exception as e:  # pydicom itself cannot read it
            theirs, pydicom_error = None, f"{type(e).__name__}: {e}"
        diffs = []
        if pydicom_error is not None:
            if run.returncode == 0:
                diffs.append(f"pydicom fails ({pydicom_error[:100]}) but we succeed")
        elif run.returncode != 0:
            diffs.append("we fail: " + run.stderr.decode(errors="replace").strip()[:300])
        else:
            import json
            ours = json.loads(run.stdout)
            big = getattr(ds, "is_little_endian", True) is False or (
                getattr(ds, "original_encoding", (None, True))[1] is False)
            compare("", ours, theirs, big, diffs)
        if diffs:
            if name in exceptions:
                excepted += 1
                if verbose:
                    print(f"EXCEPTED {name}: {exceptions[name]}")
                continue
            failed += 1
            print(f"FAIL {name}: {len(diffs)} difference(s)")
            for d in diffs[: (50 if verbose else 5)]:
                print("    " + d)
        else:
            passed += 1
            if name in exceptions:
                print(f"NOTE {name} agrees now; remove it from pydicom-exceptions.tsv")
    print(f"# {len(files)} files from pydicom {pydicom.__version__}; {excepted} in the exceptions list")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
