"""Bad input against a live DICOM listener, with raw sockets: each case must end in an A-ABORT,
an A-ASSOCIATE-RJ with the right reason, or a close — and the listener must keep serving (an echo
association succeeds while a silent one is pending, and after everything).
usage: dimse_bad_input.py PORT CALLED_AET KNOWN_CALLING_AET ARTIM_SECONDS IDLE_SECONDS"""
import struct
import sys
import threading
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from dimselib import (CT, EXPLICIT, IMPLICIT, VERIFICATION, associate_rq, c_echo_rq, c_store_rq, connect,  # noqa: E402
                      p_data, pdu, read_pdu, wait_closed)

port, called, calling = int(sys.argv[1]), sys.argv[2], sys.argv[3]
artim, idle = float(sys.argv[4]), float(sys.argv[5])
passed = failed = 0


def case(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001
        failed += 1
        print(f"FAIL {name}: {e!r}")


def expect_abort(sock, timeout=5):
    got = read_pdu(sock, timeout)
    assert got is not None, "closed without A-ABORT"
    assert got[0] == 7, f"PDU type {got[0]} instead of A-ABORT"
    assert wait_closed(sock, artim + 3), "not closed after the A-ABORT"
    return got[1]


def echo_association():
    s = connect(port)
    s.sendall(associate_rq(called, calling))
    t, _ = read_pdu(s, 5)
    assert t == 2, f"echo association answered with PDU type {t}"
    s.sendall(p_data(1, True, True, c_echo_rq(1)))
    t, body = read_pdu(s, 5)
    assert t == 4, "no P-DATA answer to C-ECHO"
    s.sendall(pdu(5, bytes(4)))
    t, _ = read_pdu(s, 5)
    assert t == 6, "no A-RELEASE-RP"
    s.close()


def garbage():
    s = connect(port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: dicom\r\n\r\n")
    body = expect_abort(s)
    assert body[2:4] == bytes([2, 1]), f"abort source/reason {body[2:4]!r}"


def lying_length():
    rq = bytearray(associate_rq(called, calling))
    rq[76:78] = b"\xff\xff"  # the application context item claims 65535 bytes
    s = connect(port)
    s.sendall(bytes(rq))
    expect_abort(s)


def lying_pdu_length_then_close():
    rq = bytearray(associate_rq(called, calling))
    rq[2:6] = struct.pack(">I", len(rq) + 500)  # PDU claims more than is sent; peer then hangs up
    s = connect(port)
    s.sendall(bytes(rq))
    s.close()


def oversized():
    s = connect(port)
    s.sendall(associate_rq(called, calling))
    assert read_pdu(s, 5)[0] == 2
    s.sendall(struct.pack(">BBI", 4, 0, 0x7FFFFFF0))
    body = expect_abort(s)
    assert body[2] == 2, "abort source is not the service provider"


def pdata_before_association():
    s = connect(port)
    s.sendall(p_data(1, True, True, c_echo_rq(1)))
    body = expect_abort(s)
    assert body[2:4] == bytes([2, 2]), f"abort source/reason {body[2:4]!r}"


def silent_before_associate():
    s = connect(port)
    start = time.time()
    assert wait_closed(s, artim + 5), "connection kept open"
    took = time.time() - start
    assert took < artim + 3, f"closed after {took:.1f}s"


def reject(calling_ae, called_ae, reason):
    s = connect(port)
    s.sendall(associate_rq(called_ae, calling_ae))
    t, body = read_pdu(s, 5)
    assert t == 3, f"PDU type {t} instead of A-ASSOCIATE-RJ"
    assert body[1:4] == bytes([1, 1, reason]), f"result/source/reason {list(body[1:4])}"
    s.close()


def silent_mid_association():
    s = connect(port)
    s.sendall(associate_rq(called, calling, contexts=((1, VERIFICATION, IMPLICIT), (3, CT, EXPLICIT))))
    t, _ = read_pdu(s, 5)
    assert t == 2
    s.sendall(p_data(3, True, True, c_store_rq(1, CT, "1.2.826.0.1.3680043.2.1143.999.1")))
    s.sendall(p_data(3, False, False, b"\x08\x00\x16\x00UI\x1a\x00" + CT.encode() + b"\0"))
    # Meanwhile another association is served.
    errors = []
    th = threading.Thread(target=lambda: errors.append(None) if echo_association() is None else None)
    th.start()
    th.join(10)
    assert errors == [None], "the concurrent echo association failed"
    start = time.time()
    body = expect_abort(s, timeout=idle + 5)
    took = time.time() - start
    assert took < idle + 3, f"aborted after {took:.1f}s"


case("garbage bytes → A-ABORT (unrecognized PDU)", garbage)
case("A-ASSOCIATE-RQ with a lying item length → A-ABORT", lying_length)
case("PDU length larger than sent, then hang-up → no crash", lying_pdu_length_then_close)
case("oversized P-DATA PDU → A-ABORT", oversized)
case("P-DATA before association → A-ABORT (unexpected PDU)", pdata_before_association)
case("silent connection → closed by ARTIM", silent_before_associate)
case("unknown calling AE → A-ASSOCIATE-RJ 1/1/3", lambda: reject("INTRUDER", called, 3))
case("unknown called AE → A-ASSOCIATE-RJ 1/1/7", lambda: reject(calling, "NOT_US", 7))
case("peer silent mid-data-set → A-ABORT by the idle timer; others served meanwhile", silent_mid_association)
case("listener still serves afterwards", echo_association)
print(f"bad input: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
