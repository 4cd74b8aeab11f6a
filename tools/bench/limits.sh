#!/usr/bin/env bash
# What this machine allows, measured in the same run as a benchmark: loopback TCP throughput
# (the ceiling for any WADO-RS server and client here), the page-cache cost of writing new
# 512 KiB objects, and the synchronous-write bound (dd oflag=dsync, 512 KiB blocks).
# Usage: tools/bench/limits.sh [SCRATCH_DIR]   (on the data volume; needs cc; ~1 GB of scratch)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scratch="${1:-$here/out/limits}"
mkdir -p "$scratch/objects"
cc -O2 -pthread -o "$scratch/limits" "$here/limits.c"
head -c $((100 << 20)) /dev/urandom > "$scratch/source.bin"
cat "$scratch/source.bin" > /dev/null
"$scratch/limits" "$scratch/objects" "$scratch/source.bin"
for run in 1 2 3; do
  rm -f "$scratch/dsync.bin"
  dd if=/dev/zero of="$scratch/dsync.bin" bs=512k count=200 oflag=dsync 2>&1 |
    awk -v run="$run" '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") s = $(i - 1); printf "dd_dsync_512k_writes_per_s_run%d %.0f /s\n", run, 200 / s }'
done
rm -rf "$scratch"
