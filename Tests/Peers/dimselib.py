"""Small helpers for the DIMSE peer tests: Part 10 data set offsets and raw PDUs (PS3.8 §9.3)."""
import socket
import struct
import time


def dataset_offset(data):
    """Offset of the data set after the File Meta Information of a Part 10 file."""
    if data[128:132] != b"DICM":
        raise ValueError("no DICM prefix")
    # (0002,0000) UL group length, explicit VR LE: tag(4) VR(2) len(2) value(4).
    tag, vr = struct.unpack("<I", data[132:136])[0], data[136:138]
    if tag != 0x00000002 or vr != b"UL":
        raise ValueError("no group length first")
    return 144 + struct.unpack("<I", data[140:144])[0]


def dataset_bytes(path):
    data = open(path, "rb").read()
    return data[dataset_offset(data):]


def item(t, value):
    return struct.pack(">BBH", t, 0, len(value)) + value


def pdu(t, body):
    return struct.pack(">BBI", t, 0, len(body)) + body


def ae(title):
    return title.encode().ljust(16, b" ")


VERIFICATION = "1.2.840.10008.1.1"
CT = "1.2.840.10008.5.1.4.1.1.2"
IMPLICIT = "1.2.840.10008.1.2"
EXPLICIT = "1.2.840.10008.1.2.1"


def associate_rq(called, calling, contexts=((1, VERIFICATION, IMPLICIT),), max_pdu=16384):
    body = struct.pack(">HH", 1, 0) + ae(called) + ae(calling) + bytes(32)
    body += item(0x10, b"1.2.840.10008.3.1.1.1")
    for pid, abstract, ts in contexts:
        body += item(0x20, bytes([pid, 0, 0, 0]) + item(0x30, abstract.encode()) + item(0x40, ts.encode()))
    body += item(0x50, item(0x51, struct.pack(">I", max_pdu)) + item(0x52, b"1.2.3.4"))
    return pdu(1, body)


def element(el, value):
    if len(value) % 2:
        value += b"\0"
    return struct.pack("<HHI", 0, el, len(value)) + value


def command(elements):
    body = b"".join(element(e, v) for e, v in sorted(elements.items()))
    return element(0, struct.pack("<I", len(body))) + body


def c_store_rq(msg_id, sop_class, sop_instance):
    return command({0x0002: sop_class.encode(), 0x0100: struct.pack("<H", 1), 0x0110: struct.pack("<H", msg_id),
                    0x0700: struct.pack("<H", 0), 0x0800: struct.pack("<H", 0), 0x1000: sop_instance.encode()})


def c_echo_rq(msg_id):
    return command({0x0002: VERIFICATION.encode(), 0x0100: struct.pack("<H", 0x30),
                    0x0110: struct.pack("<H", msg_id), 0x0800: struct.pack("<H", 0x0101)})


def p_data(pid, is_command, last, fragment):
    header = (1 if is_command else 0) | (2 if last else 0)
    return pdu(4, struct.pack(">IBB", len(fragment) + 2, pid, header) + fragment)


def read_pdu(sock, timeout):
    """Reads one PDU: (type, body) or None if the peer closed; raises socket.timeout."""
    sock.settimeout(timeout)
    head = b""
    while len(head) < 6:
        chunk = sock.recv(6 - len(head))
        if not chunk:
            return None
        head += chunk
    t, _, n = struct.unpack(">BBI", head)
    body = b""
    while len(body) < n:
        chunk = sock.recv(min(65536, n - len(body)))
        if not chunk:
            return None
        body += chunk
    return t, body


def wait_closed(sock, timeout):
    """True when the peer closes within timeout (any bytes before are discarded)."""
    sock.settimeout(timeout)
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s
