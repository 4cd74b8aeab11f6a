"""pynetdicom as Storage Commitment Push Model SCU (PS3.4 J): N-ACTION with stored and unknown
references; the N-EVENT-REPORT must come back on the same association (event 1 when all are
committed, 2 with FailedSOPSequence / FailureReason 0x0112 otherwise), and, when the requestor
has released the association right away or refuses the report there, on a new association to
its configured address (PYCOMMIT at DEST_PORT), where pynetdicom accepts as SCU of the
commitment class.
usage: dimse_commitment_pynetdicom.py PORT CALLED_AET DEST_PORT FILE..."""
import sys
import threading
import time

import pydicom
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid
from pynetdicom import AE, evt
from pynetdicom.sop_class import StorageCommitmentPushModel

port, called, dest_port, files = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
WELL_KNOWN = "1.2.840.10008.1.20.1.1"
refs = []
for f in files:
    ds = pydicom.dcmread(f, stop_before_pixels=True)
    refs.append((str(ds.SOPClassUID), str(ds.SOPInstanceUID)))
missing = (refs[0][0], generate_uid(prefix="2.25."))
failures = []
events = {}
got_event = threading.Condition()


def on_event(event):
    info = event.event_information
    with got_event:
        events[str(info.TransactionUID)] = (event.event_type, info, event.assoc.is_requestor)
        got_event.notify_all()
    return 0x0000, None


def action(refs_):
    ds = Dataset()
    ds.TransactionUID = generate_uid(prefix="2.25.")
    ds.ReferencedSOPSequence = []
    for c, i in refs_:
        item = Dataset()
        item.ReferencedSOPClassUID = c
        item.ReferencedSOPInstanceUID = i
        ds.ReferencedSOPSequence.append(item)
    return ds


def wait_for(uid, seconds=5.0):
    with got_event:
        got_event.wait_for(lambda: uid in events, timeout=seconds)
        return events.get(uid)


def check(label, uid, expect_type, committed, failed, same_association):
    got = wait_for(uid)
    if got is None:
        failures.append(f"{label}: no N-EVENT-REPORT")
        return
    event_type, info, on_requestor_side = got
    ok_refs = sorted(str(i.ReferencedSOPInstanceUID) for i in info.get("ReferencedSOPSequence", []))
    bad = sorted((str(i.ReferencedSOPInstanceUID), int(i.FailureReason)) for i in info.get("FailedSOPSequence", []))
    if event_type != expect_type:
        failures.append(f"{label}: event type {event_type}, expected {expect_type}")
    if ok_refs != sorted(r[1] for r in committed):
        failures.append(f"{label}: committed {ok_refs}")
    if bad != sorted((r[1], 0x0112) for r in failed):
        failures.append(f"{label}: failed {bad}")
    if on_requestor_side != same_association:
        failures.append(f"{label}: reported on the {'same' if on_requestor_side else 'a new'} association")


ae = AE(ae_title="PYCOMMIT")
ae.add_requested_context(StorageCommitmentPushModel)
# The requestor's own listener, for reports on a new association (we take the SCU role there).
ae.add_supported_context(StorageCommitmentPushModel, scu_role=False, scp_role=True)
server = ae.start_server(("127.0.0.1", dest_port), block=False, evt_handlers=[(evt.EVT_N_EVENT_REPORT, on_event)])
try:
    # 1. Same association: two stored, one unknown → event 2; then all stored → event 1.
    assoc = ae.associate("127.0.0.1", port, ae_title=called, evt_handlers=[(evt.EVT_N_EVENT_REPORT, on_event)])
    if not assoc.is_established:
        print("FAIL: association not established")
        sys.exit(1)
    ds = action(refs[:2] + [missing])
    status, _ = assoc.send_n_action(ds, 1, StorageCommitmentPushModel, WELL_KNOWN)
    if not status or status.Status != 0:
        failures.append(f"N-ACTION status {status}")
    check("some failed, same association", str(ds.TransactionUID), 2, refs[:2], [missing], True)
    ds = action(refs)
    status, _ = assoc.send_n_action(ds, 1, StorageCommitmentPushModel, WELL_KNOWN)
    check("all committed, same association", str(ds.TransactionUID), 1, refs, [], True)
    assoc.release()

    # 2. The requestor leaves at once: the report comes on a new association.
    assoc = ae.associate("127.0.0.1", port, ae_title=called)
    ds = action(refs[:1] + [missing])
    status, _ = assoc.send_n_action(ds, 1, StorageCommitmentPushModel, WELL_KNOWN)
    assoc.abort()
    check("requestor gone, new association", str(ds.TransactionUID), 2, refs[:1], [missing], False)

    # 3. The requestor answers the report on its own association with a failure (0x0110): the
    #    result was not taken, so it must come again on a new association.
    refused = []

    def refuse(event):
        refused.append(str(event.event_information.TransactionUID))
        return 0x0110, None

    assoc = ae.associate("127.0.0.1", port, ae_title=called, evt_handlers=[(evt.EVT_N_EVENT_REPORT, refuse)])
    ds = action(refs[:1])
    status, _ = assoc.send_n_action(ds, 1, StorageCommitmentPushModel, WELL_KNOWN)
    check("refused on the same association, new association", str(ds.TransactionUID), 1, refs[:1], [], False)
    if str(ds.TransactionUID) not in refused:
        failures.append("refused on the same association: the report was not offered there first")
    assoc.release()
finally:
    server.shutdown()
for f in failures:
    print("FAIL:", f)
print(f"pynetdicom storage commitment: {max(0, 4 - len(failures))}/4 transactions reported as expected")
sys.exit(1 if failures else 0)
