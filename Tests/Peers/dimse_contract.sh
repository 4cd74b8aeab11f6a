#!/usr/bin/env bash
# The DICOM listener against real peers on 127.0.0.1: dcmtk echoscu/storescu, pynetdicom, our own
# echo/send against dcmtk storescp, raw bad input; stored instances fetched back over WADO-RS.
# usage: Tests/Peers/dimse_contract.sh YINGYUN_BIN
set -uo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")/../.."
work="$(mktemp -d "${TMPDIR:-/tmp}/yingyun-dimse-XXXXXX")"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
passed=0; failed=0
step() {  # step NAME COMMAND...: runs one check; counts it
    local name="$1"; shift
    echo "-- $name"
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
free_port() {  # free_port LOW HIGH: a free TCP port in the range (DIMSE_PORTS/HTTP_PORTS override)
    python3 - "$1" "$2" <<'PY'
import random, socket, sys
lo, hi = int(sys.argv[1]), int(sys.argv[2])
for p in random.sample(range(lo, hi + 1), hi - lo + 1):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", p)); print(p); break
        except OSError:
            pass
PY
}
dport=$(free_port ${DIMSE_PORTS:-11200 11299})
hport=$(free_port ${HTTP_PORTS:-18200 18299})
data="$work/data"; mkdir -p "$data"
cat > "$work/ae.json" <<JSON
{ "strict": true,
  "entities": [
    { "aeTitle": "STORESCU", "addresses": ["127.0.0.1"], "defaultIssuerOfPatientID": "TEST-DCMTK" },
    { "aeTitle": "ECHOSCU" },
    { "aeTitle": "PYNETDICOM", "permissions": ["store", "query"] },
    { "aeTitle": "YINGYUN_SCU" },
    { "aeTitle": "RAWTEST" } ] }
JSON
artim=1; idle=2
"$bin" serve --data "$data" --host 127.0.0.1 --http-port "$hport" --dicom-port "$dport" --ae-title YINGYUN \
    --ae-config "$work/ae.json" --on-conflict replace --dicom-artim-timeout $artim --dicom-idle-timeout $idle \
    >"$work/server.log" 2>&1 &
server=$!; pids+=("$server")
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$hport/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$hport/dicomweb"

step "dcmtk echoscu" /usr/bin/echoscu -aet ECHOSCU -aec YINGYUN 127.0.0.1 "$dport"

mapfile -t study < <(find Fixtures/dicom/studies -name '*.dcm' | sort)
storescu_study() {
    /usr/bin/storescu -aet STORESCU -aec YINGYUN 127.0.0.1 "$dport" "${study[@]}" || return 1
    python3 Tests/Peers/dimse_wado_check.py "$base" "${study[@]}"
}
step "dcmtk storescu: the generated study (${#study[@]} instances), WADO-RS SHA-256 = ETag, data sets byte-identical" storescu_study

# The transfer-syntax variants share one SOP Instance UID: each is sent and fetched back before
# the next replaces it (--on-conflict replace). storescu transcodes unless the file's own syntax
# is proposed: -xi implicit, -xb big endian, -xd deflated, -xy JPEG baseline; -R proposes only
# the contexts the file needs.
variants() {
    local f opt ok=0
    for f in ct_explicit_le:-xe ct_implicit_le:-xi ct_explicit_be:-xb ct_deflated:-xd encapsulated_bot:-xy \
             encapsulated_eot:-xy encapsulated_no_bot:-xy multiframe_native:-xe charset_gb18030_four_byte:-xe; do
        opt="${f#*:}"; f="${f%%:*}"
        /usr/bin/storescu -R "$opt" -aet STORESCU -aec YINGYUN 127.0.0.1 "$dport" "Fixtures/dicom/$f.dcm" \
            || { echo "storescu failed on $f"; ok=1; continue; }
        python3 Tests/Peers/dimse_wado_check.py "$base" "Fixtures/dicom/$f.dcm" | sed "s|^|$f: |" || ok=1
    done
    return $ok
}
step "dcmtk storescu: transfer-syntax variants (implicit/explicit LE, big endian, deflated, encapsulated), each fetched back byte-identical" variants

# dcmtk re-encodes nested sequences and UN sequences as it sends them (its bytes differ from the
# file's); our own SCU sends the file's data set unchanged, so those round-trip byte for byte.
ours_bit_preserving() {
    local f ok=0
    for f in sq_nested_implicit sq_nested_mixed private_tags_un_sequence ct_explicit_be ct_deflated; do
        "$bin" send 127.0.0.1 "$dport" "Fixtures/dicom/$f.dcm" --aec YINGYUN --quiet >/dev/null || { echo "send failed on $f"; ok=1; continue; }
        python3 Tests/Peers/dimse_wado_check.py "$base" "Fixtures/dicom/$f.dcm" | sed "s|^|$f: |" || ok=1
    done
    return $ok
}
step "yingyun send: nested/UN sequences, big endian, deflated, fetched back byte-identical" ours_bit_preserving

pynetdicom_scu() {
    python3 Tests/Peers/dimse_pynetdicom.py "$dport" YINGYUN "${study[@]}" || return 1
    python3 Tests/Peers/dimse_wado_check.py "$base" "${study[@]}" || return 1
    python3 Tests/Peers/dimse_pynetdicom.py "$dport" YINGYUN Fixtures/dicom/encapsulated_bot.dcm || return 1
    python3 Tests/Peers/dimse_wado_check.py "$base" Fixtures/dicom/encapsulated_bot.dcm
}
step "pynetdicom SCU: C-ECHO and C-STORE, fetched back byte-identical" pynetdicom_scu

same_data_sets() {  # same_data_sets DIR FILE...: DIR holds each FILE's data set, byte for byte
    python3 - "$@" <<'PY'
import os, sys
import pydicom
sys.path.insert(0, "Tests/Peers")
from dimselib import dataset_bytes
received = {}
for name in os.listdir(sys.argv[1]):
    p = os.path.join(sys.argv[1], name)
    received[pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID] = p
bad = 0
for src in sys.argv[2:]:
    uid = pydicom.dcmread(src, stop_before_pixels=True).SOPInstanceUID
    if uid not in received or dataset_bytes(received[uid]) != dataset_bytes(src):
        print("FAIL", src); bad += 1
print(f"storescp received {len(sys.argv) - 2 - bad}/{len(sys.argv) - 2} data sets byte-identical")
sys.exit(1 if bad else 0)
PY
}
ours_against_storescp() {
    local sport ok=0; sport=$(free_port ${DIMSE_PORTS:-11200 11299})
    mkdir -p "$work/scp1" "$work/scp2"
    # +B: storescp writes the data set exactly as received.
    /usr/bin/storescp +B +xa -aet STORESCP -od "$work/scp1" "$sport" >"$work/storescp.log" 2>&1 &
    local scp=$!; pids+=("$scp")
    for _ in $(seq 1 50); do /usr/bin/echoscu -aec STORESCP 127.0.0.1 "$sport" 2>/dev/null && break; sleep 0.1; done
    "$bin" echo 127.0.0.1 "$sport" --aec STORESCP || ok=1
    "$bin" send 127.0.0.1 "$sport" Fixtures/dicom/studies --aec STORESCP --quiet || ok=1
    kill "$scp"; wait "$scp" 2>/dev/null
    same_data_sets "$work/scp1" "${study[@]}" || ok=1
    /usr/bin/storescp +B +xa -aet STORESCP -od "$work/scp2" "$sport" >>"$work/storescp.log" 2>&1 &
    scp=$!; pids+=("$scp")
    for _ in $(seq 1 50); do /usr/bin/echoscu -aec STORESCP 127.0.0.1 "$sport" 2>/dev/null && break; sleep 0.1; done
    "$bin" send 127.0.0.1 "$sport" Fixtures/dicom/encapsulated_bot.dcm --aec STORESCP --quiet || ok=1
    kill "$scp"; wait "$scp" 2>/dev/null
    same_data_sets "$work/scp2" Fixtures/dicom/encapsulated_bot.dcm || ok=1
    return $ok
}
step "yingyun echo/send against dcmtk storescp (folders recursive, data sets byte-identical)" ours_against_storescp

# C-FIND (the study set is stored): dcmtk findscu at every level, -X writes one file per match.
find_levels() {
    local d="$work/find" ok=0 st se n
    st=$(python3 -c 'import pydicom,sys; print(pydicom.dcmread(sys.argv[1]).StudyInstanceUID)' "${study[0]}")
    se=$(python3 -c 'import pydicom,sys; print(pydicom.dcmread(sys.argv[1]).SeriesInstanceUID)' "${study[0]}")
    count() {  # count MIN ARGS...: runs findscu in a fresh dir; at least MIN matches
        local min="$1"; shift
        rm -rf "$d"; mkdir -p "$d"
        (cd "$d" && /usr/bin/findscu -X -aet PYNETDICOM -aec YINGYUN "$@" 127.0.0.1 "$dport") || return 1
        n=$(ls "$d" | wc -l)
        echo "   $n match(es) for: $*" | cut -c1-160
        [ "$n" -ge "$min" ]
    }
    count 6 -P -k QueryRetrieveLevel=PATIENT -k PatientID= -k PatientName= || ok=1
    count 6 -S -k QueryRetrieveLevel=STUDY -k StudyInstanceUID= -k PatientName= -k StudyDate= -k ModalitiesInStudy= || ok=1
    count 1 -S -k QueryRetrieveLevel=SERIES -k StudyInstanceUID="$st" -k SeriesInstanceUID= -k Modality= || ok=1
    count 1 -S -k QueryRetrieveLevel=IMAGE -k StudyInstanceUID="$st" -k SeriesInstanceUID="$se" -k SOPInstanceUID= || ok=1
    count 1 -P -k QueryRetrieveLevel=STUDY -k PatientID= -k StudyInstanceUID= || ok=1
    # A Chinese name in UTF-8, matched against the ideographic component group.
    count 1 -S -k SpecificCharacterSet="ISO_IR 192" -k QueryRetrieveLevel=STUDY -k "PatientName=杨*" -k StudyInstanceUID= || ok=1
    grep -q "杨" <(for f in "$d"/*; do dcmdump "$f"; done) || { echo "no 杨 in the answers"; ok=1; }
    return $ok
}
step "dcmtk findscu: patient/study/series/image levels (patient and study root), a Chinese name" find_levels

step "yingyun send to our own listener" "$bin" send 127.0.0.1 "$dport" Fixtures/dicom/studies --aec YINGYUN --quiet

# Our C-FIND SCU against the listener: the same studies dcmtk findscu finds, a Chinese name
# decoded, --repeat on one association, and usage errors before any connection.
ours_find() {
    local ok=0 out n
    out="$("$bin" find 127.0.0.1 "$dport" --aet PYNETDICOM --aec YINGYUN -k 'PatientName=*' -k StudyInstanceUID -k ModalitiesInStudy)" || return 1
    n=$(echo "$out" | grep -c "StudyInstanceUID=")
    mkdir -p "$work/ours-find"
    (cd "$work/ours-find" && /usr/bin/findscu -X -aet PYNETDICOM -aec YINGYUN -S -k QueryRetrieveLevel=STUDY -k 'PatientName=*' -k StudyInstanceUID= 127.0.0.1 "$dport") || return 1
    echo "   yingyun find: $n studies; findscu: $(ls "$work/ours-find" | wc -l)"
    [ "$n" -ge 6 ] && [ "$n" -eq "$(ls "$work/ours-find" | wc -l)" ] || ok=1
    for f in "$work"/ours-find/*; do
        uid=$(dcmdump +P StudyInstanceUID "$f" | sed -E 's/.*\[(.*)\].*/\1/')
        echo "$out" | grep -q "StudyInstanceUID=$uid" || { echo "   $uid missing from yingyun find"; ok=1; }
    done
    "$bin" find 127.0.0.1 "$dport" --aet PYNETDICOM --aec YINGYUN -k 'PatientName=杨*' -k StudyInstanceUID | grep -q "PatientName=.*杨" \
        || { echo "   no 杨 from yingyun find"; ok=1; }
    "$bin" find 127.0.0.1 "$dport" --aet PYNETDICOM --aec YINGYUN -k 'PatientName=*' -q --repeat 5 2>&1 | grep -q "5 queries" || ok=1
    "$bin" find 127.0.0.1 "$dport" --aec YINGYUN -k NoSuchKeyword=1 >/dev/null 2>&1; [ $? -eq 64 ] || { echo "   unknown key: not a usage error"; ok=1; }
    "$bin" find 127.0.0.1 "$dport" --aet NOBODY --aec YINGYUN -k 'PatientName=*' >/dev/null 2>&1 && { echo "   unknown AE was answered"; ok=1; }
    return $ok
}
step "yingyun find (C-FIND SCU): the studies findscu finds, a Chinese name, --repeat, usage errors, unknown AE refused" ours_find

step "bad input: garbage, lying lengths, oversized PDU, P-DATA first, silent peers, unknown AEs; listener keeps serving" \
    python3 Tests/Peers/dimse_bad_input.py "$dport" YINGYUN RAWTEST "$artim" "$idle"

logged() {
    grep -q "association rejected" "$work/server.log" && grep -q "association protocol error" "$work/server.log" \
        && grep -q "association timer" "$work/server.log" && kill -0 "$server"
}
step "rejections, protocol errors and timeouts are logged; the server is still running" logged

kill "$server"; wait "$server" 2>/dev/null
verify_clean() {
    local out; out="$("$bin" verify --data "$data")"; local rc=$?
    echo "$out" | tail -1
    [ "$rc" -eq 0 ] && ! ls "$data"/tmp/* >/dev/null 2>&1
}
step "verify is clean afterwards (no orphan blob, no half row, no temporary left)" verify_clean

echo "dimse contract: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
