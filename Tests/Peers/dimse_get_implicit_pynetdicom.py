"""pynetdicom as a C-GET SCU that takes only Implicit VR Little Endian for the storage sub-operations (a workstation
without codecs): every instance of the study is written to OUT as received, for dimse_transcode_check.py.
usage: dimse_get_implicit_pynetdicom.py PORT CALLED_AET STUDY_UID OUT SOURCE...   (SOURCE: for the SOP classes)"""
import os
import sys

import pydicom
from pydicom.dataset import Dataset
from pydicom.uid import ImplicitVRLittleEndian
from pynetdicom import AE, build_role, evt
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelGet

port, called, study, out, sources = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
classes = sorted({str(pydicom.dcmread(f, stop_before_pixels=True).SOPClassUID) for f in sources})
os.makedirs(out, exist_ok=True)


def on_store(event):
    ds = event.dataset
    ds.file_meta = event.file_meta
    ds.save_as(os.path.join(out, str(ds.SOPInstanceUID) + ".dcm"), enforce_file_format=True)
    return 0x0000


ae = AE(ae_title="PYNETDICOM")
ae.add_requested_context(StudyRootQueryRetrieveInformationModelGet)
for c in classes:
    ae.add_requested_context(c, [ImplicitVRLittleEndian])
assoc = ae.associate("127.0.0.1", port, ae_title=called, ext_neg=[build_role(c, scp_role=True) for c in classes],
                     evt_handlers=[(evt.EVT_C_STORE, on_store)])
if not assoc.is_established:
    sys.exit("association not established")
identifier = Dataset()
identifier.QueryRetrieveLevel = "STUDY"
identifier.StudyInstanceUID = study
final = None
for status, _ in assoc.send_c_get(identifier, StudyRootQueryRetrieveInformationModelGet):
    if status is not None and status.Status not in (0xFF00, 0xFF01):
        final = status
assoc.release()
if final is None or final.Status != 0x0000:
    sys.exit(f"C-GET final status {None if final is None else hex(final.Status)}")
print(f"pynetdicom C-GET (Implicit VR LE only): {final.NumberOfCompletedSuboperations} completed")
