#!/usr/bin/env bash
# Fuzzes the pixel decoders with libFuzzer + ASan, one codec at a time.
# Usage: tools/fuzz/decoders.sh [SECONDS_PER_CODEC] [CODEC...]
#   codecs: 0 RLE, 1 JPEG lossless SV1, 2 JPEG lossless, 3 JPEG baseline (libjpeg), 4 JPEG-LS (CharLS),
#           5 JPEG 2000 (OpenJPEG), 6 native LE, 7 native BE        (default: all, 900 s each)
# Seeds: Fixtures/dicom's encapsulated frames and pydicom's compressed test files (codestreams
# extracted by tools/fuzz/seed_codestreams.py). Crashes land in tools/fuzz/artifacts/decoder-N-*.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-900}"; shift || true
codecs=("$@"); [ ${#codecs[@]} -gt 0 ] || codecs=(0 1 2 3 4 5 6 7)
swift build -c release --package-path "$here" --scratch-path "$root/.build-fuzz" --product FuzzDecoders \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
bin="$root/.build-fuzz/release/FuzzDecoders"
mkdir -p "$here/artifacts"
for c in "${codecs[@]}"; do
  corpus="$here/corpus-decoder-$c"; mkdir -p "$corpus"
  python3 "$here/seed_codestreams.py" "$c" "$corpus" || true
  echo "== codec $c: ${secs}s" >&2
  # A crash ends this codec's run (libFuzzer stops at the first); the others still run.
  YY_FUZZ_CODEC="$c" "$bin" "$corpus" -max_total_time="$secs" -max_len=262144 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$here/artifacts/decoder-$c-" -print_final_stats=1 > "$here/artifacts/decoder-$c.log" 2>&1 \
    && echo "codec $c: clean" >&2 || echo "codec $c: FOUND A PROBLEM (see artifacts/decoder-$c.log)" >&2
  grep -E '^Done|stat::number_of_executed_units|SUMMARY|ERROR' "$here/artifacts/decoder-$c.log" >&2 || true
done
