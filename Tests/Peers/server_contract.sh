#!/usr/bin/env bash
# The DICOMweb server against real peers on 127.0.0.1: dicomweb-client, raw bad-input requests,
# import/verify, SIGKILL during ingest, and the memory bound of a 1 GB upload and retrieval.
# usage: Tests/Peers/server_contract.sh YINGYUN_BIN
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")/../.."
work="$(mktemp -d "${TMPDIR:-/tmp}/yingyun-server-XXXXXX")"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
passed=0; failed=0
step() {  # step NAME COMMAND...: runs a suite; counts it
    local name="$1"; shift
    echo "-- $name"
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL suite: $name"; fi
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
data="$work/data"
mkdir -p "$data"
"$bin" serve --data "$data" --host 127.0.0.1 --http-port "$port" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port/dicomweb"

step "dicomweb-client: store, search, retrieve, metadata, frames" \
    python3 Tests/Peers/dicomweb_client_test.py "$base" Fixtures/dicom
step "dicomweb-client again with new UIDs: every transfer syntax in Fixtures/dicom (big endian, deflated, encapsulated)" \
    python3 Tests/Peers/dicomweb_client_test.py "$base" Fixtures/dicom --reuid
step "STOW-RS bad input" python3 Tests/Peers/stow_bad_input.py "$base" Fixtures/dicom/ct_explicit_le.dcm
step "HEAD, ETag/304, Range/206, 404/406" python3 Tests/Peers/http_semantics.py "$base" Fixtures/dicom/ct_explicit_le.dcm
step "WADO-RS transfer syntaxes: Explicit VR LE by default, *, lists, 406 (pydicom as oracle)" \
    python3 Tests/Peers/wado_transcoding.py "$base" Fixtures/dicom
step "a series as one volume (AI): order along the normal, HU, dtype, geometry" \
    python3 -W ignore Tests/Peers/volume_test.py "$base"
step "rendered and thumbnails: dcm2pnm PSNR, viewport, frames, ETag/304, bad parameters" \
    python3 -W ignore Tests/Peers/rendered_test.py "$base"
thumbnails_made() {  # the background worker rendered thumbnails without being asked
    local n; n=$(find "$data/derived" -type f -name '*.jpg' 2>/dev/null | wc -l)
    echo "derived thumbnails on disk: $n"; [ "$n" -gt 0 ]
}
step "thumbnails precomputed at ingest by the background worker" thumbnails_made

kill "$pid"; wait "$pid" 2>/dev/null
verify_clean() {
    local out; out="$("$bin" verify --data "$1")"; local rc=$?
    echo "$out" | tail -1
    [ "$rc" -eq 0 ]
}
step "verify is clean after the peer and bad-input suites" verify_clean "$data"

import_twice() {
    local d="$work/import"
    "$bin" import Fixtures/dicom/studies --data "$d" --quiet | tee "$work/import1.txt" || return 1
    grep -q " 0 failed" "$work/import1.txt" || return 1
    "$bin" import Fixtures/dicom/studies --data "$d" --quiet | tee "$work/import2.txt" || return 1
    grep -q " 0 stored, " "$work/import2.txt" || return 1
    # A broken file is reported with its reason, and the exit status says so.
    if "$bin" import Fixtures/dicom/broken_truncated.dcm --data "$d" --quiet > "$work/import3.txt"; then return 1; fi
    grep -q "failed: .*broken_truncated.dcm" "$work/import3.txt" || return 1
    verify_clean "$d"
}
step "import: stored, then duplicates, failures reported, verify clean" import_twice

step "SIGKILL during ingest: acknowledged instances survive" python3 Tests/Peers/crash_recovery.py "$bin" "$work"
step "memory: 1 GB STOW-RS and 1 GB WADO-RS" python3 Tests/Peers/memory_check.py "$bin" "$work" "${YINGYUN_MEMORY_MB:-1024}"

echo "server contract: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
