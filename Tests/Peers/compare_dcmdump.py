#!/usr/bin/env python3
"""Peer test: `yingyun dump` lists the same elements as dcmtk's dcmdump — tag, VR and nesting
depth of every data element, in order — for our fixtures and pydicom's bundled files.

Item and delimiter lines are left out (their presentation differs, not their meaning). Files dcmdump
cannot read, and known disagreements, are listed with reasons in dcmdump-exceptions.tsv.
Usage: compare_dcmdump.py YINGYUN_BINARY
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LINE = re.compile(r"^( *)\(([0-9a-fA-F]{4}),([0-9a-fA-F]{4})\) ([A-Za-z?][A-Za-z?]) ")
# dcmdump's internal VRs: "up" is a UL holding an offset within a DICOMDIR, "ox" OB-or-OW, "xs" US-or-SS.
DCMTK_VR = {"up": "UL"}


def elements(text):
    out = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m or m.group(2).lower() == "fffe":
            continue
        vr = DCMTK_VR.get(m.group(4), m.group(4))
        out.append((len(m.group(1)), (m.group(2) + m.group(3)).lower(), vr))
    return out


def same(a, b):
    """Compares element lists, allowing for where the two tools are known to present differently:
    dcmdump prints '??' where we print UN (implicit VR, unknown tag); dcmdump keeps a UN whose tag is
    known, while we (like pydicom) read it as its dictionary VR and expand a sequence into its items
    (PS3.5 §6.2.2); encapsulated pixel data is OB in dcmdump whatever VR the file wrote."""
    i = j = 0
    while i < len(a) and j < len(b):
        (da, ta, va), (db, tb, vb) = a[i], b[j]
        vb = "UN" if vb == "??" else vb
        if da != db or ta != tb:
            return False, i, j
        if va != vb and not (vb == "UN") and not (ta == "7fe00010" and {va, vb} <= {"OB", "OW"}):
            return False, i, j
        i += 1
        j += 1
        if vb == "UN" and va == "SQ":
            while i < len(a) and a[i][0] > da:
                i += 1
    if i != len(a) or j != len(b):
        return False, i, j
    return True, i, j


def corpus():
    files = []
    for dp, _, names in os.walk(os.path.join(ROOT, "Fixtures", "dicom")):
        files += [os.path.join(dp, n) for n in names if n.endswith(".dcm") and "broken" not in n]
    try:
        import pydicom
        base = os.path.join(os.path.dirname(pydicom.__file__), "data")
        for sub in ("test_files", "charset_files"):
            for dp, _, names in os.walk(os.path.join(base, sub)):
                files += [os.path.join(dp, n) for n in names if n.endswith(".dcm")]
    except ImportError:
        pass
    return sorted(files)


def load_exceptions():
    ex = {}
    with open(os.path.join(HERE, "dcmdump-exceptions.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, reason = line.rstrip("\n").split("\t", 1)
                ex[name] = reason
    return ex


def main():
    binary = sys.argv[1]
    exceptions = load_exceptions()
    passed = failed = excepted = 0
    for f in corpus():
        name = os.path.basename(f)
        # -q: quiet; +E: also read a file without meta.
        theirs = subprocess.run(["dcmdump", "-q", "+E", f], capture_output=True, text=True, errors="replace")
        ours = subprocess.run([binary, "dump", f], capture_output=True, text=True, errors="replace")
        problem = None
        if theirs.returncode != 0 and ours.returncode != 0:
            problem = None  # both refuse it
        elif theirs.returncode != 0:
            problem = "dcmdump cannot read it but we can"
        elif ours.returncode != 0:
            problem = "we fail: " + ours.stderr.strip()[:200]
        else:
            a = [e for e in elements(ours.stdout) if not e[1].startswith("0002")]
            b = [e for e in elements(theirs.stdout) if not e[1].startswith("0002")]
            ok, i, j = same(a, b)
            if not ok:
                problem = (f"{len(a)} vs {len(b)} elements; first difference: "
                           f"ours #{i} {a[i] if i < len(a) else None}, dcmdump #{j} {b[j] if j < len(b) else None}")
        if problem is None:
            passed += 1
        elif name in exceptions:
            excepted += 1
        else:
            failed += 1
            print(f"FAIL {name}: {problem}")
    print(f"# dcmdump comparison: {excepted} files in dcmdump-exceptions.tsv")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
