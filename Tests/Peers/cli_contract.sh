#!/usr/bin/env bash
# CLI contract on real files: every good fixture dumps and converts to valid JSON (exit 0); every
# deliberately broken fixture and a missing file give exit status 1 and exactly one stderr line that
# names the file and (for parse failures) the byte offset; dcmtk's dcmdump agrees on which fixtures
# are readable. Usage: cli_contract.sh YINGYUN_BINARY
set -uo pipefail
bin="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
pass=0; fail=0
ok()  { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

is_broken() { case "$(basename "$1")" in *truncated*|*lying*|*broken*|*corrupt*) return 0;; *) return 1;; esac; }

while IFS= read -r f; do
  if is_broken "$f"; then
    "$bin" dump "$f" >/dev/null 2>"$tmp/err"; rc=$?
    lines=$(wc -l < "$tmp/err")
    if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && grep -q "$f" "$tmp/err" && grep -q "offset [0-9]" "$tmp/err"; then ok
    else bad "broken $f: rc=$rc lines=$lines: $(head -c 300 "$tmp/err")"; fi
    "$bin" json "$f" >/dev/null 2>"$tmp/err"; rc=$?
    [ "$rc" -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && ok || bad "json on broken $f: rc=$rc"
  else
    if "$bin" dump "$f" >"$tmp/dump" 2>"$tmp/err"; then ok; else bad "dump $f: $(head -c 300 "$tmp/err")"; fi
    if "$bin" json "$f" >"$tmp/json" 2>"$tmp/err" && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/json"
    then ok; else bad "json $f: $(head -c 300 "$tmp/err")"; fi
    # dcmtk reads it too (a fixture no peer can read would prove nothing).
    if dcmdump -q "$f" >/dev/null 2>&1 || dcmdump -q -f "$f" >/dev/null 2>&1; then ok; else bad "dcmdump cannot read good fixture $f"; fi
  fi
done < <(find "$root/Fixtures/dicom" -name '*.dcm' | sort)

# Mislabelled GBK: shown as the Chinese it is, with a warning; --charset strict shows the declared Latin-1.
f="$root/Fixtures/dicom/charset_gbk_declared_latin1.dcm"
"$bin" dump --warnings "$f" > "$tmp/out" 2>&1
grep -q '王^芳' "$tmp/out" && grep -q 'characterSetFallback in (0010,0010)' "$tmp/out" && ok || bad "GBK fallback not shown/warned"
"$bin" dump --charset strict "$f" > "$tmp/out" 2>&1
! grep -q '王^芳' "$tmp/out" && ok || bad "--charset strict still applied the fallback"
"$bin" json "$f" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["00100010"]["Value"][0]["Ideographic"] == "王^芳"' && ok || bad "json GBK fallback"

# A missing file and a directory: one line, non-zero.
"$bin" dump "$tmp/does-not-exist.dcm" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" -ne 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "does-not-exist" "$tmp/err" && ok || bad "missing file: rc=$rc"
"$bin" json "$tmp" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" -ne 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && ok || bad "directory: rc=$rc"
# Random bytes: typed error, not a crash (exit 1, never a signal).
head -c 5000 /dev/urandom > "$tmp/random.dcm"
"$bin" dump "$tmp/random.dcm" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" -eq 1 ] && ok || bad "random bytes: rc=$rc $(cat "$tmp/err")"
# Several files, one broken: the good ones are still listed, the status is non-zero.
good="$(find "$root/Fixtures/dicom" -name '*.dcm' | sort | while read -r f; do is_broken "$f" || { echo "$f"; break; }; done)"
"$bin" dump "$good" "$tmp/random.dcm" "$good" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -eq 1 ] && [ "$(grep -c '^# File:' "$tmp/out")" -eq 2 ] && ok || bad "mixed good/bad: rc=$rc"

# render --bits: 16 gives a 16-bit grey PNG; any other depth, or 16 into a JPEG, is a usage error
# (exit 64) and writes no file.
ct="$root/Fixtures/dicom/ct_explicit_le.dcm"
"$bin" render "$ct" --bits 16 -o "$tmp/r16.png" >/dev/null 2>"$tmp/err" \
  && python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); sys.exit(0 if b[:8]==b"\x89PNG\r\n\x1a\n" and b[24]==16 and b[25]==0 else 1)' "$tmp/r16.png" \
  && ok || bad "render --bits 16: $(cat "$tmp/err")"
for args in "--bits 12 -o $tmp/r12.png" "--bits 16 -o $tmp/r16.jpg"; do
  # shellcheck disable=SC2086
  "$bin" render "$ct" $args >/dev/null 2>"$tmp/err"; rc=$?
  out="${args##* }"
  [ "$rc" -eq 64 ] && [ ! -e "$out" ] && ok || bad "render $args: rc=$rc"
done

echo "contract: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
