#!/usr/bin/env bash
# Issue 3's speed table in one run: a release `yingyun serve` and Orthanc 1.10 + DICOMweb (Debian),
# both on 127.0.0.1 with data on the same disk, measured side by side by dicomweb_bench.py on the
# same generated 200-slice CT.
# usage: tools/bench/dicomweb.sh [RUNS]     (default 5; YINGYUN_BIN=... to use an existing build)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
tools/setup.sh
. tools/bench/release_bin.sh
work="$(pwd)/yingyun-data/bench-dicomweb"
rm -rf "$work/yingyun" "$work/orthanc"
mkdir -p "$work/yingyun" "$work/orthanc"
ct="$work/ct200"
[ -f "$ct/.done" ] || { python3 tools/synth/yingyun_synth.py bench-ct --out "$ct" --slices 200 --size 512 --seed 3 && touch "$ct/.done"; }
yport=18180; oport=18142
"$bin" serve --data "$work/yingyun" --host 127.0.0.1 --http-port "$yport" --log-level warning >"$work/yingyun.log" 2>&1 &
ypid=$!
tools/bench/orthanc.sh start "$work/orthanc" "$oport" 14242
opid="$(cat "$work/orthanc/orthanc.pid")"
trap 'kill $ypid 2>/dev/null; tools/bench/orthanc.sh stop "$work/orthanc" || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$yport/healthz" >/dev/null && break; sleep 0.1; done
python3 tools/bench/dicomweb_bench.py --yingyun "http://127.0.0.1:$yport/dicomweb" \
    --orthanc "http://127.0.0.1:$oport/dicom-web" --study "$ct" --runs "$runs" \
    --yingyun-pid "$ypid" --orthanc-pid "$opid" --flush-dir "$work"
