#!/usr/bin/env bash
# Issue 4's speed figures in one run: two release `yingyun serve` (thumbnail worker on / off) and
# Orthanc 1.10 + DICOMweb (Debian), same generated 200-slice CT, same client (imaging_bench.py).
# usage: tools/bench/imaging.sh [RUNS]     (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
tools/setup.sh
. tools/bench/release_bin.sh
work="$(pwd)/yingyun-data/bench-imaging"
rm -rf "$work" && mkdir -p "$work/on" "$work/off" "$work/orthanc"
ct="$(pwd)/yingyun-data/bench-dicomweb/ct200"
[ -f "$ct/.done" ] || { python3 tools/synth/yingyun_synth.py bench-ct --out "$ct" --slices 200 --size 512 --seed 3 && touch "$ct/.done"; }
"$bin" serve --data "$work/on" --host 127.0.0.1 --http-port 18190 --dicom-port 0 --log-level warning >"$work/on.log" 2>&1 &
p1=$!
"$bin" serve --data "$work/off" --host 127.0.0.1 --http-port 18191 --dicom-port 0 --no-thumbnails --log-level warning >"$work/off.log" 2>&1 &
p2=$!
tools/bench/orthanc.sh start "$work/orthanc" 18143 14243
trap 'kill $p1 $p2 2>/dev/null; tools/bench/orthanc.sh stop "$work/orthanc" || true' EXIT
for p in 18190 18191; do for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.1; done; done
python3 tools/bench/imaging_bench.py --yingyun http://127.0.0.1:18190/dicomweb --yingyun-off http://127.0.0.1:18191/dicomweb \
    --orthanc http://127.0.0.1:18143/dicom-web --study "$ct" --runs "$runs"
