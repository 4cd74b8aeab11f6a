#!/usr/bin/env bash
# The main job: build yingyun, generate a synthetic multi-hospital demo data set, import it into
# ./yingyun-data, and run the DICOMweb server on 127.0.0.1:8080 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
swift build -c release --product yingyun --scratch-path .build-release
bin="$(swift build -c release --scratch-path .build-release --show-bin-path)/yingyun"
data="${YINGYUN_DATA:-yingyun-data}"
port="${YINGYUN_HTTP_PORT:-8080}"
demo="$data/demo-source"
if [ ! -f "$demo/.done" ]; then
  rm -rf "$demo"
  python3 tools/synth/yingyun_synth.py study --out "$demo" --patients 4 --hospitals 3 --ct-slices 40 --mr-slices 20 --seed 7
  touch "$demo/.done"
fi
echo "== importing the demo studies (identical files are stored once: re-running is cheap)"
"$bin" import "$demo" --data "$data"
"$bin" verify --data "$data"
cat <<HELP

== Yingyun is serving DICOMweb on http://127.0.0.1:$port/dicomweb — try:
  curl -s 'http://127.0.0.1:$port/dicomweb/studies?includefield=StudyDescription' | python3 -m json.tool
  curl -s 'http://127.0.0.1:$port/dicomweb/studies?PatientName=*&ModalitiesInStudy=CT&limit=5'
  curl -s -H 'Accept: multipart/related; type="application/dicom"' -o study.multipart \\
       "http://127.0.0.1:$port/dicomweb/studies/\$(curl -s 'http://127.0.0.1:$port/dicomweb/studies?limit=1' | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["0020000D"]["Value"][0])')"

HELP
exec "$bin" serve --data "$data" --host 127.0.0.1 --http-port "$port"
