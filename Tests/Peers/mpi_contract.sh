#!/usr/bin/env bash
# The patient master index against a real server: dicomweb-client stores a generated
# multi-hospital population, then /mpi lookups, review queue, priors, QIDO by linked identifier,
# merge/unmerge, bad input and the `yingyun mpi` CLI (Tests/Peers/mpi_contract.py).
# usage: Tests/Peers/mpi_contract.sh YINGYUN_BIN
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")/../.."
work="$(mktemp -d "${TMPDIR:-/tmp}/yingyun-mpi-XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 Tests/Peers/mpi_contract.py "$bin" "$work" | tee "$work/out.txt"
rc=${PIPESTATUS[0]}
summary="$(grep -E '^mpi: ' "$work/out.txt" | tail -1)"
p="$(echo "$summary" | sed -E 's/mpi: ([0-9]+) passed.*/\1/')"; f="$(echo "$summary" | sed -E 's/.* ([0-9]+) failed/\1/')"
[ -n "$summary" ] || { p=0; f=1; }
[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
echo "mpi contract: $p passed, $f failed"
[ "$f" -eq 0 ]
