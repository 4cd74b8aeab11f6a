#!/usr/bin/env python3
"""Charset oracle for Yingyun's CharacterSetTests.

Prints, for each of pydicom's charset test files, the Specific Character Set (0008,0005) and,
for every text element whose value depends on it (SH, LO, ST, LT, UC, UT, PN; also inside
sequences), the raw value bytes in hex and the text pydicom decodes from them.
The Swift tests hard-code a handful of these raw-bytes -> expected-string pairs.

Usage: tools/charset-oracle.py [FILE.dcm ...]   (default: all of pydicom's charset_files)
"""
import os
import sys

import pydicom
from pydicom.charset import decode_element

TEXT_VRS = {"SH", "LO", "ST", "LT", "UC", "UT", "PN"}


def dump(ds, charset, indent=""):
    for tag in list(ds.keys()):
        # get_item returns the raw element (bytes) as read, before pydicom converts it.
        raw = ds.get_item(tag)
        elem = ds[tag]
        if elem.VR == "SQ":
            print(f"{indent}{elem.tag} SQ {elem.keyword}")
            for item in elem.value:
                item_charset = item.get("SpecificCharacterSet", charset)
                dump(item, item_charset, indent + "  ")
            continue
        if elem.VR not in TEXT_VRS:
            continue
        raw_bytes = raw.value if isinstance(raw.value, bytes) else None
        if raw_bytes is None:
            continue
        # Decode a fresh copy from the raw bytes so we print exactly what pydicom makes of them.
        copy = pydicom.DataElement(elem.tag, elem.VR, raw_bytes)
        decode_element(copy, charset)
        text = copy.value
        if elem.VR == "PN":
            values = text if isinstance(text, (list, pydicom.multival.MultiValue)) else [text]
            text = "\\".join(str(v) for v in values)
        elif isinstance(text, (list, pydicom.multival.MultiValue)):
            text = "\\".join(text)
        print(f"{indent}{elem.tag} {elem.VR} {elem.keyword}")
        print(f"{indent}  hex:  {raw_bytes.hex()}")
        print(f"{indent}  text: {text!r}")


def constructed():
    """Vectors pydicom's files lack, encoded with Python's own codecs: the expected text is the input."""
    print("== constructed")
    esc58 = b"\x1b$)A"
    cases = [
        ("GB18030 PN", "GB18030", "张^伟", "张^伟".encode("gb18030")),
        # 乗 is 0x81 0x5C in GBK/GB18030: its trail byte is the byte of the "\\" delimiter.
        ("GB18030 LO, 0x5C trail", "GB18030", "张三乗\\李四", "张三乗\\李四".encode("gb18030")),
        ("GBK declared ISO_IR 100", "ISO_IR 100", "王小东", "王小东".encode("gbk")),
        ("GBK undeclared", "", "张^伟", "张^伟".encode("gbk")),
        ("UTF-8 undeclared", "", "张^伟", "张^伟".encode("utf-8")),
        # pydicom leaves the ISO 2022 IR 58 escape sequences in its output, so it is no oracle here.
        ("ISO 2022 IR 58 PN", "\\ISO 2022 IR 58", "Wang^XiaoDong=王^小东=",
         b"Wang^XiaoDong=" + esc58 + "王".encode("gb2312") + b"^" + esc58 + "小东".encode("gb2312") + b"="),
    ]
    for label, charset, text, raw in cases:
        print(f"  {label} [{charset}]")
        print(f"    hex:  {raw.hex()}")
        print(f"    text: {text!r}")


def main(paths):
    if not paths:
        root = os.path.join(os.path.dirname(pydicom.__file__), "data", "charset_files")
        paths = sorted(os.path.join(root, f) for f in os.listdir(root) if f.endswith(".dcm"))
    for path in paths:
        ds = pydicom.dcmread(path)
        raw_cs = ds.get_item((0x0008, 0x0005))
        charset = ds.get("SpecificCharacterSet", "ISO_IR 6")
        print(f"== {os.path.basename(path)}")
        print(f"  (0008,0005) raw: {raw_cs.value if raw_cs is not None else None!r}")
        dump(ds, charset, "  ")
    constructed()


if __name__ == "__main__":
    main(sys.argv[1:])
