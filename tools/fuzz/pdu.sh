#!/usr/bin/env bash
# Builds the PDU decoder harness (FuzzPDU) with libFuzzer + ASan and runs it.
# Usage: tools/fuzz/pdu.sh [SECONDS] [extra libFuzzer flags]   (default 60 s)
# Seeds: tools/fuzz/seed_pdus.py (valid PDUs of every type). Crashes land in tools/fuzz/artifacts/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-60}"; shift || true
swift build -c release --package-path "$here" --scratch-path "$root/.build-fuzz" --product FuzzPDU \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
corpus="$here/corpus-pdu"; mkdir -p "$corpus" "$here/artifacts"
python3 "$here/seed_pdus.py" "$corpus"
exec "$root/.build-fuzz/release/FuzzPDU" "$corpus" -max_total_time="$secs" -max_len=20000 -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix="$here/artifacts/" -print_final_stats=1 "$@"
