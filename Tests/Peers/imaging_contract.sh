#!/usr/bin/env bash
# Imaging peers: decoded pixels of `yingyun pixels` against pydicom (+ pylibjpeg, pyjpegls,
# python-gdcm) on pydicom's bundled files and dcmtk-made variants; `yingyun render` against dcmtk
# dcmj2pnm by PSNR; damaged codestreams give typed errors.
# Usage: imaging_contract.sh YINGYUN_BINARY. Last line: "imaging contract: N passed, N failed".
set -uo pipefail
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
passed=0; failed=0
check() { if [ "$1" -eq 0 ]; then passed=$((passed+1)); echo "ok   $2"; else failed=$((failed+1)); echo "FAIL $2"; fi; }

python3 "$here/compare_pixels.py" "$bin"
check $? "decoded pixels equal pydicom's (lossless bit for bit, lossy within tolerance)"

python3 "$here/compare_render.py" "$bin"
check $? "renderings match dcmtk dcmj2pnm at the same window (PSNR >= 40 dB)"

htj="$(mktemp -d)"
python3 "$here/htj2k_test.py" "$bin" "$htj"
check $? "HTJ2K made by OpenJPH decodes to the source samples (lossless) / >= 40 dB (lossy)"
rm -rf "$htj"

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
data="$(python3 -c 'import pydicom.data, os; print(os.path.dirname(pydicom.data.get_testdata_file("CT_small.dcm")))')"
# Damaged codestreams inside well-formed files (the frame cut short, or bytes overwritten in its
# middle): a typed error (exit 1 or 3), never a crash (exit >= 128) nor a silently grey image.
python3 - "$data" "$tmp" <<'PY'
import os, sys, pydicom
from pydicom.encaps import encapsulate, generate_frames
data, tmp = sys.argv[1], sys.argv[2]
for name in ("JPEG2000.dcm", "SC_rgb_jpeg_dcmtk.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_RLE.dcm",
             "SC_rgb_jpeg_gdcm.dcm", "examples_jpeg2k.dcm", "JPEGLSNearLossless_16.dcm"):
    ds = pydicom.dcmread(os.path.join(data, name))
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    for cut in (30, 60, 90):
        ds.PixelData = encapsulate([frame[: len(frame) * cut // 100]])
        ds.save_as(os.path.join(tmp, f"cut{cut}_{name}"))
    damaged = bytearray(frame)
    mid = len(damaged) // 2
    damaged[mid : mid + 16] = b"\xff\xd9" * 8 if name.startswith("SC_rgb_jpeg") else bytes(range(200, 216))
    ds.PixelData = encapsulate([bytes(damaged)])
    ds.save_as(os.path.join(tmp, f"damaged_{name}"))
PY
for f in "$tmp"/cut*.dcm "$tmp"/damaged_*.dcm; do
  # A stuck decoder is a failure too (CharLS once spent 25 s on a cut-short stream): 20 s cap.
  timeout 20 "$bin" pixels "$f" -o "$tmp/out.raw" > /dev/null 2> "$tmp/err"
  rc=$?
  msg="$(sed "s|yingyun: $f: ||" "$tmp/err" | head -c 110)"
  case "$(basename "$f")" in
    # RLE, JPEG-LS and JPEG 2000 code-block data have no checksum: overwritten bytes may decode
    # to other (wrong) values without a detectable inconsistency; only truncation must fail there.
    damaged_MR_small_RLE.dcm|damaged_*jpeg_ls*|damaged_JPEGLS*|damaged_*jpeg2k*|damaged_JPEG2000*)
      [ "$rc" -lt 128 ]; check $? "$(basename "$f"): exit $rc (no crash) $msg";;
    *) { [ "$rc" -eq 1 ] || [ "$rc" -eq 3 ]; }; check $? "$(basename "$f"): exit $rc, $msg";;
  esac
done
python3 "$here/mutate_codestreams.py" "$bin" 7 6
check $? "randomly mutated codestreams (10 files x 6): no crash, no hang"

# An unknown transfer syntax is named, not guessed at.
python3 - "$data/CT_small.dcm" "$tmp/mpeg.dcm" <<'PY'
import sys, pydicom
ds = pydicom.dcmread(sys.argv[1]); ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"
from pydicom.encaps import encapsulate
ds.PixelData = encapsulate([b"\x00\x00\x01\xb3" + bytes(60)]); ds["PixelData"].VR = "OB"
ds.save_as(sys.argv[2], enforce_file_format=True)
PY
"$bin" pixels "$tmp/mpeg.dcm" -o "$tmp/out.raw" > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "unsupported transfer syntax 1.2.840.10008.1.2.4.100 (MPEG2" "$tmp/err"
check $? "MPEG2 file: exit $rc, $(cat "$tmp/err" | sed 's/.*: unsupported/unsupported/')"

echo "imaging contract: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
