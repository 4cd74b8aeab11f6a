"""C-FIND answers in the requested Specific Character Set (pynetdicom as SCU, pydicom decoding):
GB18030 and ISO 2022 IR 58 are answered in that set (raw bytes checked, names decoded back to
the stored Chinese ones); a set we do not write (ISO_IR 100) is answered in UTF-8 (ISO_IR 192).
Then, with FINDSCU_DIR, the files dcmtk findscu -X wrote for a GB18030 query are checked.
usage: dimse_find_charset.py PORT CALLED_AET [FINDSCU_DIR]"""
import glob
import sys

import pydicom
from pydicom.dataset import Dataset
from pynetdicom import AE
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind

port, called = int(sys.argv[1]), sys.argv[2]
failures = []
CHINESE = {"刘^丽", "杨^伟", "刘^涛"}


def ideographic(name):
    return str(name).split("=")[1] if "=" in str(name) else ""


def query(charset):
    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    assoc = ae.associate("127.0.0.1", port, ae_title=called)
    q = Dataset()
    q.SpecificCharacterSet = charset
    q.QueryRetrieveLevel = "STUDY"
    q.PatientName = "*"
    q.StudyInstanceUID = ""
    answers = [ds for status, ds in assoc.send_c_find(q, StudyRootQueryRetrieveInformationModelFind) if status and status.Status == 0xFF00]
    assoc.release()
    return answers


for charset, declared, marker in [
    ("GB18030", ["GB18030"], "刘".encode("gb18030")),
    (["", "ISO 2022 IR 58"], ["", "ISO 2022 IR 58"], b"\x1b$)A"),
    ("ISO_IR 100", ["ISO_IR 192"], "刘".encode("utf-8")),
]:
    answers = query(charset)
    if not answers:
        failures.append(f"{charset}: no answers")
        continue
    names = set()
    raw_ok = False
    for ds in answers:
        # The bytes as received (a PersonName keeps them).
        raw = getattr(ds.PatientName, "original_string", None)
        raw_ok = raw_ok or (isinstance(raw, bytes) and marker in raw)
        got = ds.SpecificCharacterSet
        got = list(got) if isinstance(got, pydicom.multival.MultiValue) else [got]
        if got != declared:
            failures.append(f"{charset}: answer declares {got}")
        if declared == ["", "ISO 2022 IR 58"]:
            # pydicom 3 keeps ISO 2022 IR 58 escape sequences in decoded text (it writes this
            # set without them): decode by the standard here: ESC $ ) A designates GB 2312 to G1.
            names.add(ideographic(raw.replace(b"\x1b$)A", b"").decode("gb2312")) if isinstance(raw, bytes) else "")
        else:
            ds.decode()
            names.add(ideographic(ds.PatientName))
    if not CHINESE <= names:
        failures.append(f"{charset}: decoded ideographic names {sorted(names)}")
    if not raw_ok:
        failures.append(f"{charset}: PatientName bytes not in the requested encoding")
    print(f"{charset}: {len(answers)} answers, names {sorted(n for n in names if n)}")

if len(sys.argv) > 3:
    files = glob.glob(sys.argv[3] + "/*")
    names = set()
    for f in files:
        ds = pydicom.dcmread(f, force=True)
        if ds.SpecificCharacterSet != "GB18030":
            failures.append(f"findscu: {f} declares {ds.SpecificCharacterSet}")
        names.add(ideographic(ds.PatientName))
    if not CHINESE <= names:
        failures.append(f"findscu GB18030: decoded names {sorted(names)}")
    print(f"findscu GB18030: {len(files)} answers")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
