"""pynetdicom as SCU: C-ECHO, then C-STORE of the given files, each proposed in its own transfer
syntax. usage: dimse_pynetdicom.py PORT CALLED_AET FILE..."""
import sys

import pydicom
from pynetdicom import AE
from pynetdicom.sop_class import Verification

port, called, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
datasets = [pydicom.dcmread(f) for f in files]
ae = AE(ae_title="PYNETDICOM")
ae.add_requested_context(Verification)
for ds in datasets:
    pair = (ds.SOPClassUID, ds.file_meta.TransferSyntaxUID)
    if not any(c.abstract_syntax == pair[0] and pair[1] in c.transfer_syntax for c in ae.requested_contexts):
        ae.add_requested_context(pair[0], pair[1])
assoc = ae.associate("127.0.0.1", port, ae_title=called)
if not assoc.is_established:
    print("FAIL: association not established")
    sys.exit(1)
ok = True
status = assoc.send_c_echo()
if not status or status.Status != 0:
    print(f"FAIL: C-ECHO status {status}")
    ok = False
for path, ds in zip(files, datasets):
    status = assoc.send_c_store(ds)
    if not status or status.Status != 0:
        print(f"FAIL: C-STORE {path}: {status}")
        ok = False
assoc.release()
print(f"pynetdicom: C-ECHO and {len(files)} C-STOREs {'succeeded' if ok else 'FAILED'}")
sys.exit(0 if ok else 1)
