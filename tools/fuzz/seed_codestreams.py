#!/usr/bin/env python3
"""Seeds for tools/fuzz/decoders.sh: the first frame's codestream of every pydicom test file in
the codec's transfer syntax, prefixed by the harness's 6 header bytes (codec, rows, columns, variant);
for JPEG 2000 also HTJ2K codestreams made by OpenJPH's ojph_compress when it is installed."""
import sys
from pathlib import Path

try:
    import pydicom
    from pydicom.data import get_testdata_files
    from pydicom.encaps import generate_frames
except ImportError:
    sys.exit(0)

SYNTAXES = ["1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.50",
            "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"]
codec, out = int(sys.argv[1]), Path(sys.argv[2])
want = SYNTAXES[codec]
count = 0
for path in get_testdata_files("*"):
    if not path.endswith(".dcm"):
        continue
    try:
        ds = pydicom.dcmread(path)
        if ds.file_meta.TransferSyntaxUID != want or "PixelData" not in ds:
            continue
        bits = int(ds.BitsAllocated)
        variant = {8: 0, 16: 1, 32: 3, 1: 4}.get(bits, 1) | ((bits - int(ds.BitsStored)) & 7) << 3
        variant |= 0x40 if int(ds.SamplesPerPixel) == 3 else 0
        variant |= 0x80 if int(ds.PixelRepresentation) == 1 else 0
        if ds.file_meta.TransferSyntaxUID.is_encapsulated:
            data = next(generate_frames(ds.PixelData, number_of_frames=int(ds.get("NumberOfFrames", 1) or 1)))
        else:
            data = ds.PixelData[: int(ds.Rows) * int(ds.Columns) * max(bits // 8, 1) * int(ds.SamplesPerPixel)]
        if len(data) > 262140:
            continue
        r, c = int(ds.Rows) - 1, int(ds.Columns) - 1
        head = bytes([codec, r >> 8, r & 255, c >> 8, c & 255, variant])
        (out / f"seed-{Path(path).stem}").write_bytes(head + data)
        count += 1
    except Exception:
        continue
if codec == 5:
    # HTJ2K (Part 15) goes through OpenJPEG's own block decoder: seeds made by OpenJPH's encoder.
    import shutil
    import subprocess
    import tempfile
    if shutil.which("ojph_compress"):
        with tempfile.TemporaryDirectory() as tmp:
            rows, cols = 48, 64
            grey = bytes((x * 3 + y * 5) & 255 for y in range(rows) for x in range(cols))
            grey12 = b"".join((((x * 37 + y * 11) & 4095)).to_bytes(2, "big") for y in range(rows) for x in range(cols))
            rgb = bytes((x * 7 + y * c) & 255 for y in range(rows) for x in range(cols) for c in (1, 3, 5))
            for name, header, body, variant, args in (
                ("grey8", b"P5\n64 48\n255\n", grey, 0, ["-reversible", "true"]),
                ("grey8-lossy", b"P5\n64 48\n255\n", grey, 0, ["-qstep", "0.01"]),
                ("grey12", b"P5\n64 48\n4095\n", grey12, 1 | (4 << 3), ["-reversible", "true"]),
                ("rgb8", b"P6\n64 48\n255\n", rgb, 0x40, ["-reversible", "true"]),
            ):
                src = Path(tmp) / (name + (".ppm" if header.startswith(b"P6") else ".pgm"))
                src.write_bytes(header + body)
                j2c = Path(tmp) / (name + ".j2c")
                if subprocess.run(["ojph_compress", "-i", str(src), "-o", str(j2c)] + args, capture_output=True).returncode:
                    continue
                head = bytes([codec, (rows - 1) >> 8, (rows - 1) & 255, (cols - 1) >> 8, (cols - 1) & 255, variant])
                (out / f"seed-htj2k-{name}").write_bytes(head + j2c.read_bytes())
                count += 1
print(f"{count} seeds for codec {codec}", file=sys.stderr)
