#!/usr/bin/env bash
# Parser benchmark vs pydicom and dcmdump on a generated 200-slice CT series (release build).
# Usage: tools/bench/parse.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
tools/setup.sh
swift build -c release --product yingyun >&2
bin="$(swift build -c release --show-bin-path)/yingyun"
data="$root/tools/bench/out/ct200"
if [ ! -f "$data/.done" ]; then
  rm -rf "$data"
  python3 tools/synth/yingyun_synth.py bench-ct --out "$data"
  touch "$data/.done"
fi
python3 tools/bench/parse_bench.py "$bin" "$data" --runs "${1:-7}"
