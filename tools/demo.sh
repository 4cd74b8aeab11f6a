#!/usr/bin/env bash
# The main job, until the server lands: build yingyun, generate a synthetic multi-hospital demo
# data set into ./yingyun-data/demo, and show it with `yingyun scan`, `dump` and `json`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
swift build -c release --product yingyun
bin="$(swift build -c release --show-bin-path)/yingyun"
demo="yingyun-data/demo"
if [ ! -f "$demo/.done" ]; then
  rm -rf "$demo"
  python3 tools/synth/yingyun_synth.py study --out "$demo" --patients 4 --hospitals 3 --ct-slices 40 --mr-slices 20 --seed 7
  touch "$demo/.done"
fi
echo "== every file parses (header only, then full):"
"$bin" scan --stop-before-pixels "$demo"
"$bin" scan "$demo"
first="$(find "$demo" -name '*.dcm' | sort | head -1)"
echo "== yingyun dump --stop-before-pixels $first"
"$bin" dump --stop-before-pixels "$first"
echo "== yingyun json $first (first 40 lines, pretty-printed)"
"$bin" json "$first" > "$demo/first.json"
python3 -m json.tool --no-ensure-ascii "$demo/first.json" > "$demo/first.pretty.json"
head -40 "$demo/first.pretty.json"
echo "Demo data: $demo (try: $bin dump FILE, $bin json FILE)"
