#!/usr/bin/env bash
# Issue 5's C-FIND target ("C-FIND of 100 studies >= 10x faster than Orthanc") in one run: a release
# `yingyun serve` and Orthanc 1.10 (Debian, TCP_NODELAY=1), both on 127.0.0.1, loaded by dcmtk storescu with the
# same 100 generated studies (one 64x64 CT slice each; 100 patients, Chinese names). The query is a
# study-root STUDY-level C-FIND with PatientName=* (all 100 match) and the return keys a worklist
# client asks for, including the computed ones (ModalitiesInStudy, NumberOfStudyRelated*).
#
# Per-query time without process start-up: dcmtk findscu -q --repeat K+1 sends K+1 C-FINDs on one
# association; minus a --repeat 1 run of the same command, divided by K. Also the server's own CPU
# time per query (utime+stime of its process over the K+1 run, /proc/PID/stat), which the client's
# cost (dcmtk parsing 100 answers, ~2.5 ms here) does not blur. Each round measures both servers
# back to back; medians over ROUNDS rounds.
# Client configurations, each measured in every round: findscu as shipped (Nagle on: dcmtk
# writes each PDU as a header and a body, and holds the second write until the first is
# acknowledged — a server that delays its ACK adds ~40 ms per query; Yingyun acknowledges at once,
# Orthanc does not), and findscu with TCP_NODELAY=1 in its environment (dcmtk's switch, as
# orthanc.sh gives Orthanc), which takes the client's Nagle out for both. A third client,
# `yingyun find` (our own SCU, same query, same --repeat method), costs less CPU per answer than
# findscu (~2.5 ms per query), so its wall time shows more of the servers' own speed.
# usage: tools/bench/dimse_find.sh [ROUNDS] [K]   (defaults 7 and 50; YINGYUN_BIN=... to use an existing build;
#        ports: YHTTP/YDICOM/OHTTP/ODICOM, default 18710/18711/18712/18713)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-7}"; k="${2:-50}"
. tools/bench/release_bin.sh
work="$(pwd)/yingyun-data/bench-find"
mkdir -p "$work"
src="$work/studies"
[ -f "$src/.done" ] || {
    rm -rf "$src"
    python3 tools/synth/yingyun_synth.py study --out "$src" --patients 100 --hospitals 1 --modalities ct \
        --ct-slices 1 --ct-size 64 --seed 7 >/dev/null && touch "$src/.done"
}
mapfile -t files < <(find "$src" -name '*.dcm' | sort)
yhttp=${YHTTP:-18710}; ydicom=${YDICOM:-18711}; ohttp=${OHTTP:-18712}; odicom=${ODICOM:-18713}
ypid=""
stop_all() {
    [ -n "$ypid" ] && kill "$ypid" 2>/dev/null && wait "$ypid" 2>/dev/null
    ypid=""
    tools/bench/orthanc.sh stop "$work/orthanc" >/dev/null 2>&1 || true
}
trap stop_all EXIT

# Yingyun: FINDSCU may query; STORESCU stores.
cat >"$work/ae.json" <<'JSON'
{ "strict": true,
  "entities": [ { "aeTitle": "STORESCU", "permissions": ["store"] }, { "aeTitle": "FINDSCU", "permissions": ["query"] } ] }
JSON
rm -rf "$work/yingyun"; mkdir -p "$work/yingyun"
"$bin" serve --data "$work/yingyun" --host 127.0.0.1 --http-port "$yhttp" --dicom-port "$ydicom" --log-level warning \
    --ae-config "$work/ae.json" --no-thumbnails >"$work/yingyun.log" 2>&1 &
ypid=$!
for _ in $(seq 1 100); do /usr/bin/echoscu -aet STORESCU -aec YINGYUN 127.0.0.1 "$ydicom" 2>/dev/null && break; sleep 0.1; done
/usr/bin/storescu -aet STORESCU -aec YINGYUN 127.0.0.1 "$ydicom" "${files[@]}"

tools/bench/orthanc.sh stop "$work/orthanc" >/dev/null 2>&1 || true
rm -rf "$work/orthanc"; mkdir -p "$work/orthanc"
tools/bench/orthanc.sh start "$work/orthanc" "$ohttp" "$odicom" >/dev/null
# Orthanc answers C-FIND only to declared modalities (DicomAlwaysAllowFind is false in 1.10).
curl -fsS -X PUT "http://127.0.0.1:$ohttp/modalities/FINDSCU" \
    -d '{"AET": "FINDSCU", "Host": "127.0.0.1", "Port": 104, "AllowFind": true}' >/dev/null
/usr/bin/storescu -aet STORESCU -aec ORTHANC 127.0.0.1 "$odicom" "${files[@]}"

keys=(-q -S -k QueryRetrieveLevel=STUDY -k 'PatientName=*' -k PatientID -k PatientBirthDate -k PatientSex
    -k StudyInstanceUID -k StudyDate -k StudyTime -k AccessionNumber -k StudyID -k StudyDescription
    -k ReferringPhysicianName -k ModalitiesInStudy -k NumberOfStudyRelatedSeries -k NumberOfStudyRelatedInstances)
nodelay=(TCP_NODELAY=1)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The same query for `yingyun find` (our Swift SCU; TCP_NODELAY on its socket, parses answers with our parser).
ykeys=(-k 'PatientName=*' -k PatientID -k PatientBirthDate -k PatientSex -k StudyInstanceUID -k StudyDate -k StudyTime
    -k AccessionNumber -k StudyID -k StudyDescription -k ReferringPhysicianName -k ModalitiesInStudy
    -k NumberOfStudyRelatedSeries -k NumberOfStudyRelatedInstances)
client=findscu
find_n() {  # find_n AET PORT N PID: wall seconds for one client process sending N C-FINDs on one association, server CPU seconds
    local t0 t1 c0 c1
    c0=$(cpu_ticks "$4"); t0=$(date +%s.%N)
    if [ "$client" = yingyun ]; then
        "$bin" find 127.0.0.1 "$2" --aet FINDSCU --aec "$1" --repeat "$3" -q "${ykeys[@]}" 2>>"$work/findscu.err" \
            || { echo "yingyun find failed against $1 (see $work/findscu.err)" >&2; exit 1; }
    else
        env "${nodelay[@]}" /usr/bin/findscu -aet FINDSCU -aec "$1" --repeat "$3" "${keys[@]}" 127.0.0.1 "$2" >/dev/null 2>>"$work/findscu.err" \
            || { echo "findscu failed against $1 (see $work/findscu.err)" >&2; exit 1; }
    fi
    t1=$(date +%s.%N); c1=$(cpu_ticks "$4")
    echo "$t0 $t1 $c0 $c1 $(getconf CLK_TCK)" | awk '{printf "%.6f\t%.4f", $2 - $1, ($4 - $3) / $5}'
}
matches() {  # matches AET PORT: how many answers one C-FIND returns
    local d="$work/answers-$1"; rm -rf "$d"; mkdir -p "$d"
    (cd "$d" && env "${nodelay[@]}" /usr/bin/findscu -X -aet FINDSCU -aec "$1" "${keys[@]}" 127.0.0.1 "$2" >/dev/null 2>&1)
    find "$d" -name 'rsp*.dcm' | wc -l
}
my=$(matches YINGYUN "$ydicom"); mo=$(matches ORTHANC "$odicom")
echo "answers per C-FIND: yingyun $my, orthanc $mo"
[ "$my" = 100 ] && [ "$mo" = 100 ] || { echo "expected 100 answers from both" >&2; exit 1; }
opid=$(cat "$work/orthanc/orthanc.pid")
# Warm both (page cache, statement caches).
find_n YINGYUN "$ydicom" 5 "$ypid" >/dev/null; find_n ORTHANC "$odicom" 5 "$opid" >/dev/null

results="$work/results.tsv"; : >"$results"
for r in $(seq 1 "$rounds"); do
    line=""
    for mode in default nodelay yingyun; do
        client=findscu
        if [ $mode = nodelay ]; then nodelay=(TCP_NODELAY=1); else nodelay=(-u TCP_NODELAY); fi
        [ $mode = yingyun ] && client=yingyun
        for who in yingyun orthanc; do
            if [ $who = yingyun ]; then aet=YINGYUN; port=$ydicom; pid=$ypid; else aet=ORTHANC; port=$odicom; pid=$opid; fi
            one=$(find_n $aet "$port" 1 "$pid"); many=$(find_n $aet "$port" $((k + 1)) "$pid")
            echo -e "$who\t$mode\t$one\t$many" >>"$results"
        done
        line+="$mode: $(tail -2 "$results" | awk -F'\t' -v k="$k" '{printf "%s %.1f ms (CPU %.1f)  ", $1, 1000 * ($5 - $3) / k, 1000 * $6 / (k + 1)}')"
    done
    echo "round $r: $line"
done
python3 - "$results" "$k" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
k = int(sys.argv[2])
print(f"\nC-FIND, study root, STUDY level, 100 of 100 studies match, 14 return keys; per query = (client --repeat {k + 1})"
      f" - (--repeat 1) over {k}; medians of {len(rows) // 6} rounds:")
print("| client | server | per C-FIND, wall (100 answers) | server CPU per C-FIND | one client process incl. association |")
print("|---|---|---|---|---|")
ratios = []
for mode, label in (("default", "findscu as shipped (Nagle on)"), ("nodelay", "findscu, TCP_NODELAY=1"),
                    ("yingyun", "yingyun find (TCP_NODELAY)")):
    med, start, cpu = {}, {}, {}
    for who in ("yingyun", "orthanc"):
        mine = [r for r in rows if r[0] == who and r[1] == mode]
        med[who] = statistics.median([(float(r[4]) - float(r[2])) / k * 1000 for r in mine])
        start[who] = statistics.median([float(r[2]) * 1000 for r in mine])
        cpu[who] = statistics.median([float(r[5]) / (k + 1) * 1000 for r in mine])
        print(f"| {label} | {who} | {med[who]:.2f} ms | {cpu[who]:.2f} ms | {start[who]:.1f} ms |")
    ratios.append(f"{label}: {med['orthanc'] / med['yingyun']:.1f}x wall, {cpu['orthanc'] / cpu['yingyun']:.1f}x server CPU")
print("ratio orthanc / yingyun per query — " + "; ".join(ratios) + " (target >= 10x)")
PY
