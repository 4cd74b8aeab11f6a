"""pynetdicom as C-GET SCU (SCP role for the storage classes) and as C-MOVE SCU with its own
storage SCP as the move destination: every instance of every study comes back with a
byte-identical data set, the final responses carry the right counts, and an unknown move
destination is refused with 0xA801.
usage: dimse_retrieve_pynetdicom.py PORT CALLED_AET DEST_PORT FILE...   (DEST_PORT: AE PYDEST)"""
import struct
import sys
import threading

import pydicom
from pydicom.dataset import Dataset
from pynetdicom import AE, build_role, evt
from pynetdicom.sop_class import (
    PatientRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
)

port, called, dest_port, files = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]


def data_set(path):
    with open(path, "rb") as f:
        b = f.read()
    (n,) = struct.unpack("<I", b[140:144])
    return b[144 + n:]


originals = {}
studies = {}
patients = {}
for f in files:
    ds = pydicom.dcmread(f, stop_before_pixels=True)
    originals[str(ds.SOPInstanceUID)] = (ds.SOPClassUID, ds.file_meta.TransferSyntaxUID, data_set(f))
    studies.setdefault(str(ds.StudyInstanceUID), []).append(str(ds.SOPInstanceUID))
    patients.setdefault(str(ds.PatientID), set()).add(str(ds.SOPInstanceUID))

failures = []
received = {}
lock = threading.Lock()


def on_store(event):
    with lock:
        received[event.request.AffectedSOPInstanceUID] = event.request.DataSet.getvalue()
    return 0x0000


def check(label, expected_uids, final):
    if final is None or final.Status != 0x0000:
        failures.append(f"{label}: final status {None if final is None else hex(final.Status)}")
        return
    done = final.get("NumberOfCompletedSuboperations")
    if done != len(expected_uids) or final.get("NumberOfFailedSuboperations", 0) != 0:
        failures.append(f"{label}: counts completed={done} failed={final.get('NumberOfFailedSuboperations')}")
    for u in expected_uids:
        got = received.pop(u, None)
        if got is None:
            failures.append(f"{label}: {u} not received")
        elif got != originals[u][2]:
            failures.append(f"{label}: {u} data set differs")


# C-GET: storage contexts with our SCP role (role selection), study root and patient root.
ae = AE(ae_title="PYNETDICOM")
ae.add_requested_context(StudyRootQueryRetrieveInformationModelGet)
ae.add_requested_context(PatientRootQueryRetrieveInformationModelGet)
roles = []
for sop_class, ts in sorted({(v[0], v[1]) for v in originals.values()}):
    ae.add_requested_context(sop_class, ts)
    roles.append(build_role(sop_class, scp_role=True))
assoc = ae.associate("127.0.0.1", port, ae_title=called, ext_neg=roles, evt_handlers=[(evt.EVT_C_STORE, on_store)])
if not assoc.is_established:
    print("FAIL: C-GET association not established")
    sys.exit(1)
pending = 0
for study, uids in studies.items():
    q = Dataset()
    q.QueryRetrieveLevel = "STUDY"
    q.StudyInstanceUID = study
    final = None
    for status, _ in assoc.send_c_get(q, StudyRootQueryRetrieveInformationModelGet):
        if status and status.Status == 0xFF00:
            pending += 1
        elif status:
            final = status
    check(f"C-GET study {study}", uids, final)
for patient, uids in list(patients.items())[:1]:
    q = Dataset()
    q.QueryRetrieveLevel = "PATIENT"
    q.PatientID = patient
    final = None
    for status, _ in assoc.send_c_get(q, PatientRootQueryRetrieveInformationModelGet):
        if status and status.Status != 0xFF00:
            final = status
    check(f"C-GET patient {patient}", sorted(uids), final)
assoc.release()

# C-MOVE to our own storage SCP (PYDEST), then to an unknown destination.
dest = AE(ae_title="PYDEST")
for sop_class, ts in sorted({(v[0], v[1]) for v in originals.values()}):
    dest.add_supported_context(sop_class, ts)
server = dest.start_server(("127.0.0.1", dest_port), block=False, evt_handlers=[(evt.EVT_C_STORE, on_store)])
ae = AE(ae_title="PYNETDICOM")
ae.add_requested_context(StudyRootQueryRetrieveInformationModelMove)
assoc = ae.associate("127.0.0.1", port, ae_title=called)
if not assoc.is_established:
    print("FAIL: C-MOVE association not established")
    server.shutdown()
    sys.exit(1)
for study, uids in studies.items():
    q = Dataset()
    q.QueryRetrieveLevel = "STUDY"
    q.StudyInstanceUID = study
    final = None
    for status, _ in assoc.send_c_move(q, "PYDEST", StudyRootQueryRetrieveInformationModelMove):
        if status and status.Status != 0xFF00:
            final = status
    check(f"C-MOVE study {study}", uids, final)
q = Dataset()
q.QueryRetrieveLevel = "STUDY"
q.StudyInstanceUID = next(iter(studies))
statuses = [s.Status for s, _ in assoc.send_c_move(q, "NOWHERE", StudyRootQueryRetrieveInformationModelMove) if s]
if statuses != [0xA801]:
    failures.append(f"C-MOVE to an unknown destination: statuses {[hex(s) for s in statuses]}")
assoc.release()
server.shutdown()

for f in failures:
    print("FAIL:", f)
print(f"pynetdicom retrieve: {len(studies)} studies by C-GET and C-MOVE ({pending} pending C-GET-RSPs), "
      f"{'all data sets byte-identical' if not failures else f'{len(failures)} failures'}")
sys.exit(1 if failures else 0)
