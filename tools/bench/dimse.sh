#!/usr/bin/env bash
# Issue 5's C-STORE speed table in one run: a release `yingyun serve` and Orthanc 1.10 (Debian,
# TCP_NODELAY=1, its best configuration), both on 127.0.0.1 with data on the same disk, fed by
# dcmtk's storescu with the same generated 200-slice CT (512², int16, 105 MB):
#   - sequential: one association, 200 C-STOREs, each acknowledged only once durable;
#   - parallel: 4 associations at once, 50 instances each.
# Each run starts both servers on empty data directories; medians over RUNS; the flush bound of
# this disk is measured in the same run (tools/bench/flush_bound.sh).
# usage: tools/bench/dimse.sh [RUNS]     (default 3; YINGYUN_BIN=... to use an existing build;
#        SYNC_MODE=per-file to measure the store without group commit)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-3}"
tools/setup.sh
. tools/bench/release_bin.sh
work="$(pwd)/yingyun-data/bench-dimse"
mkdir -p "$work"
ct="$work/ct200"
[ -f "$ct/.done" ] || { python3 tools/synth/yingyun_synth.py bench-ct --out "$ct" --slices 200 --size 512 --seed 5 && touch "$ct/.done"; }
mapfile -t files < <(find "$ct" -name '*.dcm' | sort)
n=${#files[@]}
yhttp=${YHTTP:-18280}; ydicom=${YDICOM:-11280}; ohttp=${OHTTP:-18242}; odicom=${ODICOM:-11242}
ypid=""
stop_all() {
    [ -n "$ypid" ] && kill "$ypid" 2>/dev/null && wait "$ypid" 2>/dev/null
    ypid=""
    tools/bench/orthanc.sh stop "$work/orthanc" >/dev/null 2>&1 || true
}
trap stop_all EXIT

start_yingyun() {
    rm -rf "$work/yingyun"; mkdir -p "$work/yingyun"
    "$bin" serve --data "$work/yingyun" --host 127.0.0.1 --http-port "$yhttp" --dicom-port "$ydicom" --log-level warning \
        --sync-mode "${SYNC_MODE:-group}" \
        >"$work/yingyun.log" 2>&1 &
    ypid=$!
    for _ in $(seq 1 100); do /usr/bin/echoscu -aec YINGYUN 127.0.0.1 "$ydicom" 2>/dev/null && return; sleep 0.1; done
    echo "yingyun did not start" >&2; exit 1
}
start_orthanc() {
    tools/bench/orthanc.sh stop "$work/orthanc" >/dev/null 2>&1 || true
    rm -rf "$work/orthanc"; mkdir -p "$work/orthanc"
    tools/bench/orthanc.sh start "$work/orthanc" "$ohttp" "$odicom" >/dev/null
}
seconds() { date +%s.%N; }
# store AET PORT ASSOCIATIONS: wall seconds to send all files over ASSOCIATIONS parallel storescus
store() {
    local aet="$1" port="$2" k="$3" t0 t1 i pids=()
    t0=$(seconds)
    for ((i = 0; i < k; i++)); do
        local part=()
        for ((j = i; j < n; j += k)); do part+=("${files[$j]}"); done
        /usr/bin/storescu -aec "$aet" 127.0.0.1 "$port" "${part[@]}" 2>>"$work/storescu.err" &
        pids+=($!)
    done
    local rc=0
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    t1=$(seconds)
    [ "$rc" -eq 0 ] || { echo "storescu failed against $aet (see $work/storescu.err)" >&2; exit 1; }
    echo "$t0 $t1" | awk '{printf "%.4f", $2 - $1}'
}

results="$work/results.tsv"; : >"$results"
for r in $(seq 1 "$runs"); do
    for mode in 1 4; do
        start_yingyun; s=$(store YINGYUN "$ydicom" "$mode"); kill "$ypid"; wait "$ypid" 2>/dev/null || true; ypid=""
        echo -e "yingyun\t$mode\t$s" >>"$results"
        start_orthanc; s=$(store ORTHANC "$odicom" "$mode"); tools/bench/orthanc.sh stop "$work/orthanc" >/dev/null
        echo -e "orthanc\t$mode\t$s" >>"$results"
        echo "run $r, $mode association(s): $(tail -2 "$results" | awk -F'\t' -v n="$n" '{printf "%s %.0f inst/s  ", $1, n / $3}')"
    done
done
# The sender's own floor: the same storescu into dcmtk storescp --ignore (receives, stores nothing),
# both with TCP_NODELAY=1. A sequential sender waits for each response, so its rate is at most
# 1 / (floor + one durable flush per instance).
floor_port=${FLOORPORT:-11281}
TCP_NODELAY=1 /usr/bin/storescp --ignore "$floor_port" 2>/dev/null &
floor_pid=$!
sleep 0.5
floor_runs=()
for _ in 1 2 3; do
    t0=$(seconds)
    TCP_NODELAY=1 /usr/bin/storescu -aec ANY 127.0.0.1 "$floor_port" "${files[@]}" 2>>"$work/storescu.err"
    floor_runs+=("$(echo "$t0 $(seconds)" | awk '{printf "%.4f", $2 - $1}')")
done
kill "$floor_pid" 2>/dev/null; wait "$floor_pid" 2>/dev/null || true
floor_s=$(printf '%s\n' "${floor_runs[@]}" | sort -n | sed -n 2p)
flush="$(tools/bench/flush_bound.sh "$work/flush" | tee "$work/flush.txt")"
echo "$flush"
bound="$(echo "$flush" | sed -nE 's/.*bound for one sequential durable sender: ([0-9.]+) instances\/s.*/\1/p')"
python3 - "$results" "$n" "$bound" "$floor_s" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
n, bound, floor_s = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
med = {}
for who in ("yingyun", "orthanc"):
    for k in ("1", "4"):
        secs = [float(s) for w, m, s in rows if w == who and m == k]
        med[who, k] = n / statistics.median(secs)
print(f"\nC-STORE, dcmtk storescu, {n} instances (512x512 int16), medians of {len([r for r in rows if r[0] == 'yingyun' and r[1] == '1'])} runs:")
print(f"| path | yingyun | orthanc (TCP_NODELAY=1) | ratio | target |")
print(f"|---|---|---|---|---|")
print(f"| sequential, 1 association | {med['yingyun','1']:.0f} inst/s ({100 * med['yingyun','1'] / bound:.0f}% of flush bound {bound:.0f}/s) | {med['orthanc','1']:.0f} inst/s | {med['yingyun','1'] / med['orthanc','1']:.2f}x | >= 85% of bound and >= 1.5x |")
print(f"| 4 parallel associations | {med['yingyun','4']:.0f} inst/s | {med['orthanc','4']:.0f} inst/s | {med['yingyun','4'] / med['orthanc','4']:.2f}x | >= 4x |")
floor_rate = n / floor_s
ceiling = 1 / (1 / floor_rate + 1 / bound)
print(f"\nstorescu into storescp --ignore (nothing stored, median of 3): {floor_rate:.0f} inst/s ({1000 / floor_rate:.2f} ms per instance"
      f" incl. process start and association). A sequential sender that waits for one flush per instance gets at most"
      f" 1 / (floor + flush) = {ceiling:.0f} inst/s = {100 * ceiling / bound:.0f}% of the flush bound; yingyun reached"
      f" {100 * med['yingyun','1'] / ceiling:.0f}% of that.")
PY
