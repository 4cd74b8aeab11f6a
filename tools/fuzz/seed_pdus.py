"""Writes seed PDUs for the FuzzPDU harness (PS3.8 §9.3): A-ASSOCIATE-RQ/AC (presentation
contexts, user information with maximum length, implementation UID/version, asynchronous
window, role selection, an unknown sub-item), A-ASSOCIATE-RJ, P-DATA-TF with a C-ECHO-RQ and a
C-GET-RSP command, A-RELEASE-RQ/RP, A-ABORT, and two PDUs back to back.
usage: seed_pdus.py DIR"""
import os
import struct
import sys


def item(t, body):
    return struct.pack(">BBH", t, 0, len(body)) + body


def uid(s):
    b = s.encode()
    return b


def pdu(t, body):
    return struct.pack(">BBI", t, 0, len(body)) + body


def user_info():
    return item(0x50, item(0x51, struct.pack(">I", 16384)) + item(0x52, uid("1.2.3.4")) + item(0x53, struct.pack(">HH", 1, 1))
                + item(0x54, struct.pack(">H", 27) + uid("1.2.840.10008.5.1.4.1.1.2") + b"\x00\x01")
                + item(0x55, b"FUZZ") + item(0x58, b"\x01\x00\x00\x04user\x00\x00"))


def header(called, calling):
    return struct.pack(">HH", 1, 0) + called.ljust(16).encode() + calling.ljust(16).encode() + bytes(32)


app = item(0x10, uid("1.2.840.10008.3.1.1.1"))
rq_pc = item(0x20, bytes([1, 0, 0, 0]) + item(0x30, uid("1.2.840.10008.1.1")) + item(0x40, uid("1.2.840.10008.1.2"))
             + item(0x40, uid("1.2.840.10008.1.2.1")))
ac_pc = item(0x21, bytes([1, 0, 0, 0]) + item(0x40, uid("1.2.840.10008.1.2")))
rq = pdu(1, header("YINGYUN", "FUZZ") + app + rq_pc + user_info())
ac = pdu(2, header("YINGYUN", "FUZZ") + app + ac_pc + user_info())
rj = pdu(3, bytes([0, 1, 1, 3]))


def command(elements):
    body = b"".join(struct.pack("<HHI", 0, e, len(v)) + v for e, v in elements)
    return struct.pack("<HHII", 0, 0, 4, len(body)) + body


echo = command([(0x0002, b"1.2.840.10008.1.1\x00"), (0x0100, struct.pack("<H", 0x30)), (0x0110, struct.pack("<H", 1)),
                (0x0800, struct.pack("<H", 0x0101))])
get_rsp = command([(0x0002, b"1.2.840.10008.5.1.4.1.2.2.3\x00"), (0x0100, struct.pack("<H", 0x8010)), (0x0120, struct.pack("<H", 1)),
                   (0x0800, struct.pack("<H", 0x0101)), (0x0900, struct.pack("<H", 0xFF00)), (0x0902, b"why "),
                   (0x1020, struct.pack("<H", 3)), (0x1021, struct.pack("<H", 1))])


def pdv(ctx, mch, data):
    return struct.pack(">I", len(data) + 2) + bytes([ctx, mch]) + data


pdata = pdu(4, pdv(1, 3, echo))
pdata2 = pdu(4, pdv(1, 1, get_rsp[:20]) + pdv(1, 3, get_rsp[20:]) + pdv(1, 2, b"\x08\x00\x52\x00\x06\x00\x00\x00STUDY "))
seeds = {"rq": rq, "ac": ac, "rj": rj, "pdata": pdata, "pdata2": pdata2, "release_rq": pdu(5, bytes(4)),
         "release_rp": pdu(6, bytes(4)), "abort": pdu(7, bytes([0, 0, 2, 1])), "pair": rq + pdata}
os.makedirs(sys.argv[1], exist_ok=True)
for name, b in seeds.items():
    with open(os.path.join(sys.argv[1], "seed-" + name), "wb") as f:
        f.write(b)
