#!/usr/bin/env bash
# Regenerates Fixtures/ (or, with --check, verifies it is what the generator writes).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--check" ]; then
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  python3 tools/synth/yingyun_synth.py fixtures --out "$tmp" >/dev/null
  diff -r "$tmp/dicom" Fixtures/dicom && echo "fixtures: up to date"
else
  python3 tools/synth/yingyun_synth.py fixtures --out Fixtures
fi
