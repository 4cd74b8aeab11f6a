#!/usr/bin/env bash
# C-GET, C-MOVE and storage commitment SCP against real peers on 127.0.0.1: dcmtk getscu, dcmtk movescu with dcmtk
# storescp as the move destination, pynetdicom as C-GET, C-MOVE and storage commitment SCU. Every retrieved data set
# must be byte-identical to the one stored (a multi-PDU instance included); getscu runs with +B
# (bit-preserving: written as received; by default it re-encodes what it parsed).
# usage: Tests/Peers/dimse_retrieve_contract.sh YINGYUN_BIN
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")/../.."
work="$(mktemp -d "${TMPDIR:-/tmp}/yingyun-retrieve-XXXXXX")"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
passed=0; failed=0
step() {  # step NAME COMMAND...: runs one check; counts it
    local name="$1"; shift
    echo "-- $name"
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
free_port() {  # free_port LOW HIGH [EXCEPT]: a free TCP port in the range
    python3 - "$@" <<'PY'
import random, socket, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
skip = set(int(a) for a in sys.argv[3:])
for p in random.sample(range(lo, hi + 1), hi - lo + 1):
    if p in skip:
        continue
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p)); print(p); break
        except OSError:
            pass
PY
}
read -r dlo dhi <<<"${DIMSE_PORTS:-11300 11399}"
dport=$(free_port $dlo $dhi)
sport=$(free_port $dlo $dhi $dport)
pport=$(free_port $dlo $dhi $dport $sport)
cport=$(free_port $dlo $dhi $dport $sport $pport)
yport=$(free_port $dlo $dhi $dport $sport $pport $cport)
lport=$(free_port $dlo $dhi $dport $sport $pport $cport $yport)
hport=$(free_port ${HTTP_PORTS:-18300 18349})
cat > "$work/ae.json" <<JSON
{ "strict": true,
  "entities": [
    { "aeTitle": "STORESCU", "permissions": ["store"] },
    { "aeTitle": "ECHOSCU", "permissions": ["store"] },
    { "aeTitle": "GETSCU", "permissions": ["retrieve"] },
    { "aeTitle": "MOVESCU", "permissions": ["retrieve"] },
    { "aeTitle": "PYNETDICOM", "permissions": ["store", "query", "retrieve"] },
    { "aeTitle": "STORESCP", "permissions": [], "moveDestination": { "host": "127.0.0.1", "port": $sport } },
    { "aeTitle": "PYDEST", "permissions": [], "moveDestination": { "host": "127.0.0.1", "port": $pport } },
    { "aeTitle": "PYCOMMIT", "permissions": ["store"], "moveDestination": { "host": "127.0.0.1", "port": $cport } },
    { "aeTitle": "PYSLOW", "permissions": [], "moveDestination": { "host": "127.0.0.1", "port": $yport } },
    { "aeTitle": "LESCP", "permissions": [], "moveDestination": { "host": "127.0.0.1", "port": $lport } } ] }
JSON
"$bin" serve --data "$work/data" --host 127.0.0.1 --http-port "$hport" --dicom-port "$dport" --ae-title YINGYUN \
    --ae-config "$work/ae.json" --no-thumbnails >"$work/server.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$hport/healthz" >/dev/null && break; sleep 0.1; done

# The generated study plus one 8 MiB instance (many PDVs, several 1 MiB reads).
mapfile -t study < <(find Fixtures/dicom/studies -name '*.dcm' | sort)
python3 - "${study[0]}" "$work/large.dcm" <<'PY'
import sys, numpy as np, pydicom
from pydicom.uid import generate_uid
ds = pydicom.dcmread(sys.argv[1])
ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid(prefix="2.25.")
ds.SeriesInstanceUID = generate_uid(prefix="2.25.")
ds.Rows = ds.Columns = 2048
ds.PixelData = np.random.default_rng(5).integers(0, 4096, 2048 * 2048, dtype=np.uint16).tobytes()
ds.save_as(sys.argv[2], enforce_file_format=True)
PY
files=("${study[@]}" "$work/large.dcm")
mapfile -t studies < <(python3 -c '
import sys, pydicom
print("\n".join(sorted({str(pydicom.dcmread(f, stop_before_pixels=True).StudyInstanceUID) for f in sys.argv[1:]})))' "${files[@]}")
step "dcmtk storescu: ${#files[@]} instances in" /usr/bin/storescu -aet STORESCU -aec YINGYUN 127.0.0.1 "$dport" "${files[@]}"

getscu_all() {
    mkdir -p "$work/get"
    for s in "${studies[@]}"; do
        /usr/bin/getscu -aet GETSCU -aec YINGYUN +B -S -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="$s" \
            -od "$work/get" 127.0.0.1 "$dport" || return 1
    done
    python3 Tests/Peers/compare_datasets.py "$work/get" "${files[@]}"
}
step "dcmtk getscu: ${#studies[@]} studies by C-GET, data sets byte-identical" getscu_all

movescu_all() {
    mkdir -p "$work/move"
    /usr/bin/storescp -aet STORESCP -od "$work/move" "$sport" >"$work/storescp.log" 2>&1 &
    local scp=$!; pids+=("$scp")
    sleep 0.5
    local ok=0
    for s in "${studies[@]}"; do
        /usr/bin/movescu -aet MOVESCU -aec YINGYUN -aem STORESCP -S -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="$s" \
            127.0.0.1 "$dport" || ok=1
    done
    kill "$scp" 2>/dev/null; wait "$scp" 2>/dev/null
    [ $ok = 0 ] && python3 Tests/Peers/compare_datasets.py "$work/move" "${files[@]}"
}
step "dcmtk movescu → dcmtk storescp: ${#studies[@]} studies by C-MOVE, data sets byte-identical" movescu_all

move_unknown() {
    /usr/bin/movescu -v -aet MOVESCU -aec YINGYUN -aem NOWHERE -S -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="${studies[0]}" \
        127.0.0.1 "$dport" >"$work/unknown.log" 2>&1
    grep -qiE "0xa801|MoveDestinationUnknown" "$work/unknown.log" || { cat "$work/unknown.log"; return 1; }
}
step "dcmtk movescu to an unknown destination: 0xA801" move_unknown

get_refused() {
    # ECHOSCU may store but not retrieve: the C-GET context is refused, nothing arrives.
    mkdir -p "$work/refused"
    ! /usr/bin/getscu -aet ECHOSCU -aec YINGYUN -S -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="${studies[0]}" \
        -od "$work/refused" 127.0.0.1 "$dport" >/dev/null 2>&1 && [ -z "$(ls "$work/refused")" ]
}
step "getscu from an AE without the retrieve permission: refused" get_refused

step "pynetdicom C-GET (study, patient) and C-MOVE (own SCP; unknown destination)" \
    python3 Tests/Peers/dimse_retrieve_pynetdicom.py "$dport" YINGYUN "$pport" "${files[@]}"

step "pynetdicom storage commitment: N-ACTION, N-EVENT-REPORT on the same and on a new association" \
    python3 Tests/Peers/dimse_commitment_pynetdicom.py "$dport" YINGYUN "$cport" "${files[@]}"

find_charset() {
    mkdir -p "$work/find"
    (cd "$work/find" && /usr/bin/findscu -X -aet PYNETDICOM -aec YINGYUN -S -k SpecificCharacterSet=GB18030 -k QueryRetrieveLevel=STUDY \
        -k PatientName='*' -k StudyInstanceUID 127.0.0.1 "$dport") || return 1
    python3 Tests/Peers/dimse_find_charset.py "$dport" YINGYUN "$work/find" || return 1
    # ISO 2022 IR 58 as dcmtk reads it: converted to UTF-8 by dcmdump, the Chinese names appear.
    mkdir -p "$work/find58"
    (cd "$work/find58" && /usr/bin/findscu -X -aet PYNETDICOM -aec YINGYUN -S -k 'SpecificCharacterSet=\\ISO 2022 IR 58' \
        -k QueryRetrieveLevel=STUDY -k PatientName='*' -k StudyInstanceUID 127.0.0.1 "$dport") || return 1
    local dump; dump=$(/usr/bin/dcmdump +U8 "$work"/find58/* 2>&1)
    for n in '刘^丽' '杨^伟' '刘^涛'; do grep -q "=$n" <<<"$dump" || { echo "ISO 2022 IR 58: $n not in dcmdump +U8"; echo "$dump" | grep -a PatientName; return 1; }; done
}
step "C-FIND answers in GB18030 / ISO 2022 IR 58 as requested (findscu, pynetdicom + pydicom decoding)" find_charset

step "pynetdicom C-MOVE and C-GET, each with a C-CANCEL after the first pending response: Cancel (0xFE00), the rest not sent" \
    python3 Tests/Peers/dimse_move_cancel_pynetdicom.py "$dport" YINGYUN "$yport" "${files[@]}"

# Transcoded sub-operations: a JPEG-lossless and an RLE instance, asked for by peers that take Little Endian only.
mkdir -p "$work/compressed"
cstudy=$(python3 Tests/Peers/dimse_transcode_check.py make "$work/compressed" "${study[0]}")
compressed=("$work/compressed/jpegll.dcm" "$work/compressed/rle.dcm")
store_compressed() {  # storescu transcodes unless the file's syntax is proposed: -xs JPEG lossless, -xr RLE
    /usr/bin/storescu -R -xs -aet STORESCU -aec YINGYUN 127.0.0.1 "$dport" "${compressed[0]}" \
        && /usr/bin/storescu -R -xr -aet STORESCU -aec YINGYUN 127.0.0.1 "$dport" "${compressed[1]}"
}
step "dcmtk storescu: JPEG lossless and RLE instances in" store_compressed

get_transcoded() {  # get_transcoded NAME EXPECTED_SYNTAX GETSCU_OPTION...
    local d="$work/$1" ts="$2"; shift 2
    mkdir -p "$d"
    /usr/bin/getscu -aet GETSCU -aec YINGYUN +B "$@" -S -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="$cstudy" \
        -od "$d" 127.0.0.1 "$dport" || return 1
    python3 Tests/Peers/dimse_transcode_check.py check "$d" "$ts" "${compressed[@]}"
}
get_implicit() {  # dcmtk 3.6.7 getscu +xi still proposes Explicit VR LE for storage; pynetdicom can propose Implicit only
    python3 Tests/Peers/dimse_get_implicit_pynetdicom.py "$dport" YINGYUN "$cstudy" "$work/get-implicit" "${compressed[@]}" \
        && python3 Tests/Peers/dimse_transcode_check.py check "$work/get-implicit" 1.2.840.10008.1.2 "${compressed[@]}"
}
step "pynetdicom C-GET taking Implicit VR LE only: compressed instances decoded, pixels equal" get_implicit
step "dcmtk getscu +xi (proposes Explicit VR LE only): compressed instances decoded, pixels equal" \
    get_transcoded get-xi 1.2.840.10008.1.2.1 +xi
step "dcmtk getscu (uncompressed syntaxes): compressed instances decoded to Explicit VR LE, pixels equal" \
    get_transcoded get-explicit 1.2.840.10008.1.2.1
step "dcmtk getscu +xs (JPEG lossless, Explicit, Implicit VR LE in one context per class): Explicit VR LE taken, pixels equal" \
    get_transcoded get-xs 1.2.840.10008.1.2.1 +xs
get_mixed() {  # the native study and the compressed one in one C-GET with +xs: every instance arrives
    mkdir -p "$work/get-mixed"
    /usr/bin/getscu -aet GETSCU -aec YINGYUN +B +xs -S -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="${studies[0]}\\$cstudy" \
        -od "$work/get-mixed" 127.0.0.1 "$dport" || return 1
    local n; n=$(ls "$work/get-mixed" | wc -l)
    [ "$n" = $(( $(python3 -c 'import sys, pydicom; s = sys.argv[1]; print(sum(str(pydicom.dcmread(f, stop_before_pixels=True).StudyInstanceUID) == s for f in sys.argv[2:]))' "${studies[0]}" "${files[@]}") + 2 )) ] \
        || { echo "getscu +xs: $n files"; return 1; }
}
step "dcmtk getscu +xs on a native and a compressed study at once: every instance arrives" get_mixed
move_compressed_study() {  # move_compressed_study DIR STORESCP-SYNTAX-OPTION: C-MOVE to a dcmtk storescp writing into DIR
    rm -rf "$1"; mkdir -p "$1"
    /usr/bin/storescp -aet LESCP "$2" -od "$1" "$lport" >"$1.log" 2>&1 &
    local scp=$!; pids+=("$scp")
    sleep 0.5
    /usr/bin/movescu -aet MOVESCU -aec YINGYUN -aem LESCP -S -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="$cstudy" \
        127.0.0.1 "$dport"
    local rc=$?
    kill "$scp" 2>/dev/null; wait "$scp" 2>/dev/null
    return $rc
}
move_as_stored() {  # a destination that takes JPEG lossless and RLE gets the stored bytes
    move_compressed_study "$work/move-all" +xa && python3 Tests/Peers/compare_datasets.py "$work/move-all" "${compressed[@]}"
}
move_transcoded() {
    move_compressed_study "$work/move-le" +xi \
        && python3 Tests/Peers/dimse_transcode_check.py check "$work/move-le" 1.2.840.10008.1.2 "${compressed[@]}"
}
step "dcmtk movescu → storescp +xi (Implicit VR LE only): compressed instances decoded, pixels equal" move_transcoded
step "dcmtk movescu → storescp +xa (accepts all): JPEG-lossless and RLE data sets byte-identical" move_as_stored

step "listener still serving" /usr/bin/echoscu -aet ECHOSCU -aec YINGYUN 127.0.0.1 "$dport"
if [ $failed -gt 0 ]; then echo "--- server log (tail)"; tail -40 "$work/server.log"; fi
echo "dimse retrieve contract: $passed passed, $failed failed"
[ $failed = 0 ]
