"""C-CANCEL during C-MOVE and C-GET (PS3.4 C.4.2.3, C.4.3.3; PS3.7 9.3.3.3, 9.3.4.3), pynetdicom as the SCU.
C-MOVE: every study to a slow pynetdicom storage SCP (AE PYSLOW, 0.3 s per instance); on the first pending
response the SCU sends C-CANCEL-RQ. The final response must be Cancel (0xFE00) with Remaining > 0 and
Completed < all, fewer instances than all must reach the destination, and the association must still serve a
C-ECHO afterwards. C-GET: the same with the sub-operations coming back on the SCU's own association (its
C-STORE handler as slow), Cancel and fewer than all received.
usage: dimse_move_cancel_pynetdicom.py PORT CALLED_AET SLOW_DEST_PORT FILE..."""
import sys
import threading
import time

import pydicom
from pydicom.dataset import Dataset
from pynetdicom import AE, build_role, evt
from pynetdicom.sop_class import (
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)

port, called, dest_port, files = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]

studies, classes = set(), set()
for f in files:
    ds = pydicom.dcmread(f, stop_before_pixels=True)
    studies.add(str(ds.StudyInstanceUID))
    classes.add((str(ds.SOPClassUID), str(ds.file_meta.TransferSyntaxUID)))
total = len(files)

received = []
lock = threading.Lock()


def on_store(event):
    time.sleep(0.3)
    with lock:
        received.append(event.request.AffectedSOPInstanceUID)
    return 0x0000


scp_ae = AE(ae_title="PYSLOW")
for sop_class, syntax in classes:
    scp_ae.add_supported_context(sop_class, [syntax, "1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])
scp = scp_ae.start_server(("127.0.0.1", dest_port), block=False, evt_handlers=[(evt.EVT_C_STORE, on_store)])
failures = []
try:
    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelMove)
    ae.add_requested_context(Verification)
    assoc = ae.associate("127.0.0.1", port, ae_title=called)
    if not assoc.is_established:
        sys.exit("association not established")
    context_id = next(
        cx.context_id for cx in assoc.accepted_contexts if cx.abstract_syntax == StudyRootQueryRetrieveInformationModelMove)
    identifier = Dataset()
    identifier.QueryRetrieveLevel = "STUDY"
    identifier.StudyInstanceUID = sorted(studies)
    final, pending, cancelled_at = None, 0, None
    for status, _ in assoc.send_c_move(identifier, "PYSLOW", StudyRootQueryRetrieveInformationModelMove, msg_id=7):
        if status is None:
            failures.append("no response (association aborted or timed out)")
            break
        if status.Status in (0xFF00, 0xFF01):
            pending += 1
            if cancelled_at is None:
                cancelled_at = time.monotonic()
                assoc.send_c_cancel(7, context_id)
        else:
            final = status
    if final is None:
        failures.append("no final response")
    else:
        done = final.get("NumberOfCompletedSuboperations", 0)
        remaining = final.get("NumberOfRemainingSuboperations")
        if final.Status != 0xFE00:
            failures.append(f"final status {hex(final.Status)}, expected 0xFE00 (Cancel)")
        if remaining is None or remaining <= 0:
            failures.append(f"final Cancel response without Remaining > 0 ({remaining})")
        if done >= total:
            failures.append(f"all {total} sub-operations completed despite the cancel")
        elif remaining is not None and done + final.get("NumberOfFailedSuboperations", 0) + final.get(
                "NumberOfWarningSuboperations", 0) + remaining != total:
            failures.append(f"counts do not add up to {total}: completed {done}, remaining {remaining}")
        stopped_after = time.monotonic() - cancelled_at if cancelled_at else None
        print(f"cancel after the first pending response: final {hex(final.Status)}, completed {done}, remaining "
              f"{remaining}, {pending} pending responses, final {stopped_after:.2f} s after the cancel")
    # The destination got what completed, not everything.
    time.sleep(0.2)
    with lock:
        got = len(received)
    if got >= total:
        failures.append(f"destination received all {total} instances")
    if final is not None and got != final.get("NumberOfCompletedSuboperations", -1):
        failures.append(f"destination received {got}, final response says {final.get('NumberOfCompletedSuboperations')}")
    # The association is still usable.
    echo = assoc.send_c_echo()
    if not echo or echo.Status != 0x0000:
        failures.append("C-ECHO after the cancelled C-MOVE failed")
    assoc.release()

    # C-GET: the sub-operations come back on this association.
    got = []

    def on_get_store(event):
        time.sleep(0.3)
        got.append(event.request.AffectedSOPInstanceUID)
        return 0x0000

    ae = AE(ae_title="PYNETDICOM")
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelGet)
    sop_classes = sorted({c for c, _ in classes})
    for c in sop_classes:
        ae.add_requested_context(c, sorted({t for k, t in classes if k == c}))
    assoc = ae.associate("127.0.0.1", port, ae_title=called, ext_neg=[build_role(c, scp_role=True) for c in sop_classes],
                         evt_handlers=[(evt.EVT_C_STORE, on_get_store)])
    if not assoc.is_established:
        sys.exit("C-GET association not established")
    context_id = next(
        cx.context_id for cx in assoc.accepted_contexts if cx.abstract_syntax == StudyRootQueryRetrieveInformationModelGet)
    final, sent = None, False
    for status, _ in assoc.send_c_get(identifier, StudyRootQueryRetrieveInformationModelGet, msg_id=9):
        if status is None:
            failures.append("C-GET: no response")
            break
        if status.Status in (0xFF00, 0xFF01):
            if not sent:
                sent = True
                assoc.send_c_cancel(9, context_id)
        else:
            final = status
    assoc.release()
    if final is None or final.Status != 0xFE00:
        failures.append(f"C-GET final status {None if final is None else hex(final.Status)}, expected 0xFE00")
    elif final.get("NumberOfCompletedSuboperations", 0) >= total or len(got) >= total:
        failures.append(f"C-GET: all sub-operations ran despite the cancel ({len(got)} received)")
    else:
        print(f"C-GET cancel: final 0xfe00, completed {final.get('NumberOfCompletedSuboperations')}, remaining "
              f"{final.get('NumberOfRemainingSuboperations')}, {len(got)}/{total} received")
finally:
    scp.shutdown()

for f in failures:
    print("FAIL:", f)
print(f"pynetdicom C-MOVE cancel: destination received {len(received)}/{total} instances")
sys.exit(1 if failures else 0)
