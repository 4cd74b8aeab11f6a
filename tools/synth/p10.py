"""A small DICOM Part 10 writer of our own (PS3.10 §7, PS3.5 §7).

Written for synthetic test data, not as a general toolkit: it encodes exactly what it is
given, including deliberately broken constructs (odd lengths, lying lengths, UN of
undefined length) that a conformant writer would refuse. Values are plain Python objects;
the caller chooses each element's VR (see `dictionary.py` for the keywords we use).

Value forms accepted by `Element`:
- text VRs: `str`, a list of `str` (joined with "\\"), or `bytes` (already encoded, written as is
  except for padding to even length);
- DS / IS: numbers or strings, single or list;
- US SS UL SL FL FD SV UV: a number or a list of numbers;
- AT: a tag (int 0xGGGGEEEE) or a list of tags;
- OB OW OF OD OL OV UN: `bytes` (little-endian words) or a numpy array;
- SQ: a list of `Item` (or of `Dataset`, taken as defined-length items);
- UN with a list of items: the PS3.5 §6.2.2 case, a sequence whose content is Implicit VR LE;
- OB `Encapsulated`: encapsulated pixel data (PS3.5 §A.4).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

# PS3.5 §7.1.2: explicit VRs with a 2-byte reserved field and a 32-bit length.
LONG_LENGTH_VRS = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"}
# PS3.5 §6.1.2.3: only these use the Specific Character Set; all others are the default repertoire.
CHARSET_VRS = {"LO", "LT", "PN", "SH", "ST", "UC", "UT"}
TEXT_VRS = CHARSET_VRS | {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "TM", "UI", "UR"}
NUMBER_FORMATS = {"US": "H", "SS": "h", "UL": "I", "SL": "i", "FL": "f", "FD": "d", "SV": "q", "UV": "Q"}
# Word size of the "other" binary VRs; swapped when written big endian (PS3.5 §7.3).
BINARY_WORD = {"OB": 1, "UN": 1, "OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}

ITEM = 0xFFFEE000
ITEM_DELIMITATION = 0xFFFEE00D
SEQUENCE_DELIMITATION = 0xFFFEE0DD
UNDEFINED = 0xFFFFFFFF

# Defined terms of Specific Character Set (PS3.3 C.12.1.1.2) mapped to Python codecs.
# Only single-value, no-code-extension sets are needed here.
CHARSET_CODECS = {
    None: "ascii",
    "": "ascii",
    "ISO_IR 6": "ascii",
    "ISO_IR 100": "latin-1",
    "ISO_IR 192": "utf-8",
    "GB18030": "gb18030",
    "GBK": "gbk",
}


@dataclass(frozen=True)
class TransferSyntax:
    uid: str
    explicit_vr: bool
    little_endian: bool
    deflated: bool = False
    encapsulated: bool = False
    name: str = ""


IMPLICIT_LE = TransferSyntax("1.2.840.10008.1.2", False, True, name="Implicit VR Little Endian")
EXPLICIT_LE = TransferSyntax("1.2.840.10008.1.2.1", True, True, name="Explicit VR Little Endian")
EXPLICIT_BE = TransferSyntax("1.2.840.10008.1.2.2", True, False, name="Explicit VR Big Endian")
DEFLATED_LE = TransferSyntax("1.2.840.10008.1.2.1.99", True, True, deflated=True,
                             name="Deflated Explicit VR Little Endian")
JPEG_BASELINE = TransferSyntax("1.2.840.10008.1.2.4.50", True, True, encapsulated=True,
                               name="JPEG Baseline (Process 1)")

SYNTAX_BY_OPTION = {"explicit": EXPLICIT_LE, "implicit": IMPLICIT_LE, "big": EXPLICIT_BE, "deflate": DEFLATED_LE}
SYNTAX_BY_UID = {ts.uid: ts for ts in (IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE, DEFLATED_LE, JPEG_BASELINE)}

IMPLEMENTATION_VERSION_NAME = "YINGYUN_SYNTH_1"
# 2.25 form of UUID 5 (namespace OID, "yingyun-synth"): fixed so fixtures are reproducible.
IMPLEMENTATION_CLASS_UID = "2.25.50064381723388827316975721893222230828"


@dataclass
class Encapsulated:
    """Encapsulated pixel data (PS3.5 §A.4): a Basic Offset Table item, then fragments.

    `offsets` None writes an empty Basic Offset Table item; otherwise the 32-bit offsets
    (relative to the first byte of the first fragment's item tag) are written as given.
    """
    fragments: list[bytes]
    offsets: list[int] | None = None


@dataclass
class Item:
    """A sequence item (PS3.5 §7.5). `undefined_length` writes an Item Delimitation Item."""
    dataset: "Dataset"
    undefined_length: bool = False


@dataclass
class Element:
    tag: int
    vr: str
    value: object = None
    # SQ / UN-sequence / encapsulated: write 0xFFFFFFFF and a Sequence Delimitation Item.
    undefined_length: bool = False
    # Write exactly these bytes as the value (no padding); for odd-length fixtures.
    raw: bytes | None = None
    # Write this length in the header whatever the value is; for lying-length fixtures.
    length_override: int | None = None


@dataclass
class Dataset:
    elements: dict[int, Element] = field(default_factory=dict)

    def add(self, tag: int, vr: str, value: object = None, **options) -> "Dataset":
        self.elements[tag] = Element(tag, vr, value, **options)
        return self

    def set(self, keyword: str, value: object = None, **options) -> "Dataset":
        from dictionary import KEYWORDS  # local import: dictionary is a sibling module
        tag, vr = KEYWORDS[keyword]
        return self.add(tag, options.pop("vr", vr), value, **options)

    def get(self, tag: int):
        element = self.elements.get(tag)
        return None if element is None else element.value

    def __contains__(self, tag: int) -> bool:
        return tag in self.elements

    def remove(self, tag: int) -> None:
        self.elements.pop(tag, None)

    def charset_codec(self, inherited: str) -> str:
        element = self.elements.get(0x00080005)
        if element is None:
            return inherited
        value = element.value
        if isinstance(value, (bytes, bytearray)):
            value = value.decode("ascii")
        if isinstance(value, list):
            value = value[0] if value else ""
        return CHARSET_CODECS.get(value.strip(), "ascii")


# ---------------------------------------------------------------------------------------------
# Value encoding


def format_ds(x) -> str:
    """A Decimal String value of at most 16 characters (PS3.5 §6.2)."""
    if isinstance(x, str):
        return x
    f = float(x)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    text = repr(f)
    if len(text) > 16:
        text = f"{f:.10g}"
    return text


def _pad(data: bytes, vr: str) -> bytes:
    if len(data) % 2 == 0:
        return data
    # PS3.5 §6.2: UI pads with NUL, OB/UN with 0x00, text with a space.
    return data + (b"\0" if vr in ("UI", "OB", "UN") else b" ")


def encode_value(element: Element, codec: str, little: bool) -> bytes:
    """The value bytes of a non-sequence element, padded to even length."""
    if element.raw is not None:
        return element.raw
    vr, value = element.vr, element.value
    if value is None:
        return b""
    if vr in TEXT_VRS:
        if isinstance(value, (bytes, bytearray)):
            return _pad(bytes(value), vr)
        values = value if isinstance(value, (list, tuple)) else [value]
        if vr in ("DS",):
            values = [format_ds(v) for v in values]
        elif vr == "IS":
            values = [v if isinstance(v, str) else str(int(v)) for v in values]
        text_codec = codec if vr in CHARSET_VRS else "ascii"
        data = b"\\".join(str(v).encode(text_codec) for v in values)
        return _pad(data, vr)
    endian = "<" if little else ">"
    if vr in NUMBER_FORMATS:
        values = value if isinstance(value, (list, tuple)) else [value]
        return struct.pack(f"{endian}{len(values)}{NUMBER_FORMATS[vr]}", *values)
    if vr == "AT":
        values = value if isinstance(value, (list, tuple)) else [value]
        return b"".join(struct.pack(f"{endian}HH", t >> 16, t & 0xFFFF) for t in values)
    if vr in BINARY_WORD:
        word = BINARY_WORD[vr]
        if hasattr(value, "dtype"):  # numpy array: write in the syntax's byte order
            array = value
            if word > 1:
                array = array.astype(array.dtype.newbyteorder(endian), copy=False)
            data = array.tobytes()
        else:
            data = bytes(value)
            if word > 1 and not little:
                data = _swap_words(data, word)
        return _pad(data, vr)
    raise ValueError(f"cannot encode VR {vr} for tag {element.tag:08X}")


def _swap_words(data: bytes, word: int) -> bytes:
    import numpy as np
    usable = len(data) - len(data) % word
    swapped = np.frombuffer(data[:usable], dtype=f"<u{word}").astype(f">u{word}").tobytes()
    return swapped + data[usable:]


# ---------------------------------------------------------------------------------------------
# Element and data set encoding (PS3.5 §7)


def _tag_bytes(tag: int, little: bool) -> bytes:
    return struct.pack("<HH" if little else ">HH", tag >> 16, tag & 0xFFFF)


def _header(tag: int, vr: str, length: int, explicit: bool, little: bool) -> bytes:
    endian = "<" if little else ">"
    head = _tag_bytes(tag, little)
    if tag >> 16 == 0xFFFE or not explicit:  # item and delimitation tags never carry a VR
        return head + struct.pack(f"{endian}I", length)
    if vr in LONG_LENGTH_VRS:
        return head + vr.encode("ascii") + b"\0\0" + struct.pack(f"{endian}I", length)
    if length > 0xFFFF:
        raise ValueError(f"value of {tag:08X} ({vr}) too long for a 16-bit length: {length}")
    return head + vr.encode("ascii") + struct.pack(f"{endian}H", length)


def _encode_items(items, explicit: bool, little: bool, codec: str) -> bytes:
    out = bytearray()
    for item in items:
        if isinstance(item, Dataset):
            item = Item(item)
        content = encode_dataset(item.dataset, explicit, little, codec)
        if item.undefined_length:
            out += _header(ITEM, "", UNDEFINED, explicit, little) + content
            out += _header(ITEM_DELIMITATION, "", 0, explicit, little)
        else:
            out += _header(ITEM, "", len(content), explicit, little) + content
    return bytes(out)


def encode_element(element: Element, explicit: bool, little: bool, codec: str) -> bytes:
    vr = element.vr
    value = element.value
    if isinstance(value, Encapsulated):
        body = bytearray()
        table = b"".join(struct.pack("<I", o) for o in (value.offsets or []))
        body += _header(ITEM, "", len(table), explicit, True) + table
        for fragment in value.fragments:
            fragment = _pad(fragment, "OB")
            body += _header(ITEM, "", len(fragment), explicit, True) + fragment
        body += _header(SEQUENCE_DELIMITATION, "", 0, explicit, True)
        return _header(element.tag, vr, UNDEFINED, explicit, little) + bytes(body)
    if vr == "SQ" or (vr == "UN" and isinstance(value, list)):
        if vr == "UN":
            # PS3.5 §6.2.2: a UN value of undefined length is a sequence in Implicit VR LE.
            content = _encode_items(value or [], False, True, codec)
        else:
            content = _encode_items(value or [], explicit, little, codec)
        if element.undefined_length:
            length = element.length_override if element.length_override is not None else UNDEFINED
            delimiter = _header(SEQUENCE_DELIMITATION, "", 0, explicit and vr != "UN", little or vr == "UN")
            return _header(element.tag, vr, length, explicit, little) + content + delimiter
        length = element.length_override if element.length_override is not None else len(content)
        return _header(element.tag, vr, length, explicit, little) + content
    data = encode_value(element, codec, little)
    length = element.length_override if element.length_override is not None else len(data)
    return _header(element.tag, vr, length, explicit, little) + data


def encode_dataset(ds: Dataset, explicit: bool, little: bool, inherited_codec: str = "ascii") -> bytes:
    codec = ds.charset_codec(inherited_codec)
    return b"".join(encode_element(ds.elements[tag], explicit, little, codec) for tag in sorted(ds.elements))


# ---------------------------------------------------------------------------------------------
# Part 10 file (PS3.10 §7.1)


def file_meta(sop_class_uid: str, sop_instance_uid: str, syntax_uid: str) -> Dataset:
    meta = Dataset()
    meta.add(0x00020001, "OB", b"\x00\x01")
    meta.add(0x00020002, "UI", sop_class_uid)
    meta.add(0x00020003, "UI", sop_instance_uid)
    meta.add(0x00020010, "UI", syntax_uid)
    meta.add(0x00020012, "UI", IMPLEMENTATION_CLASS_UID)
    meta.add(0x00020013, "SH", IMPLEMENTATION_VERSION_NAME)
    return meta


def encode_meta(meta: Dataset) -> bytes:
    """Group 2, always Explicit VR Little Endian, with a correct (0002,0000) group length."""
    body = encode_dataset(meta, True, True)
    return encode_element(Element(0x00020000, "UL", len(body)), True, True, "ascii") + body


def encode_file(ds: Dataset, syntax: TransferSyntax, *, meta: Dataset | None = None,
                preamble: bool = True, include_meta: bool = True) -> bytes:
    """A complete Part 10 file: 128-byte preamble, "DICM", meta group, data set."""
    if meta is None:
        meta = file_meta(ds.get(0x00080016), ds.get(0x00080018), syntax.uid)
    body = encode_dataset(ds, syntax.explicit_vr, syntax.little_endian)
    if syntax.deflated:
        # PS3.5 §A.5: raw deflate (RFC 1951, no zlib header) of everything after the meta group.
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY)
        body = compressor.compress(body) + compressor.flush()
    head = b""
    if preamble:
        head = b"\0" * 128 + b"DICM"
    if include_meta:
        head += encode_meta(meta)
    return head + body
