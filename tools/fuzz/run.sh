#!/usr/bin/env bash
# Builds the libFuzzer harness with ASan and runs it.
# Usage: tools/fuzz/run.sh [SECONDS] [extra libFuzzer flags]   (default 60 s)
# Seeds: Fixtures/dicom plus pydicom's bundled test files when installed. Crashes land in tools/fuzz/artifacts/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-60}"; shift || true
swift build -c release --package-path "$here" --scratch-path "$root/.build-fuzz" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
bin="$root/.build-fuzz/release/FuzzParser"
corpus="$here/corpus-parser"; mkdir -p "$corpus" "$here/artifacts"
seeds=("$root/Fixtures/dicom")
pd="$(python3 -c 'import pydicom,os;print(os.path.dirname(pydicom.__file__))' 2>/dev/null || true)"
[ -n "$pd" ] && seeds+=("$pd/data/test_files" "$pd/data/charset_files")
# Seed files larger than 64 KiB are cut: the parser's paths are all in the first kilobytes.
for d in "${seeds[@]}"; do
  [ -d "$d" ] || continue
  find "$d" -type f -name '*.dcm' | while read -r f; do head -c 65536 "$f" > "$corpus/seed-$(basename "$f")"; done
done
exec "$bin" "$corpus" -max_total_time="$secs" -max_len=65536 -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix="$here/artifacts/" -print_final_stats=1 "$@"
