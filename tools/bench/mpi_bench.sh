#!/usr/bin/env bash
# Patient master index benchmark (issue 6): a synthetic catalog of 1 M patients / ~10 M instance
# rows written straight into SQLite, then prior-study and identifier lookups over HTTP against a
# release build and in-process, and catalog ingest with linking on vs off. Not part of the test
# command (it needs ~4 GB of disk and ~10 minutes to build the catalog the first time).
#
# usage: tools/bench/mpi_bench.sh [PATIENTS=1000000] [DIR=/tmp/yingyun-mpi-bench]
#   env: PORT (default 18390), SAMPLES (default 2000), REUSE=1 keeps an existing catalog in DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
patients="${1:-1000000}"
dir="${2:-/tmp/yingyun-mpi-bench}"
port="${PORT:-18390}"
samples="${SAMPLES:-2000}"
swift build -c release --product yingyun >/dev/null
bin="$(swift build -c release --show-bin-path)/yingyun"

if [ "${REUSE:-0}" != 1 ] || [ ! -s "$dir/catalog.sqlite" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    "$bin" verify --data "$dir" >/dev/null   # opening the data directory runs the catalog's migrations
    python3 tools/bench/mpi_catalog.py "$dir/catalog.sqlite" --patients "$patients"
fi
# A random sample of local identities: AUTHORITY|PATIENTID|NATIONAL-ID|BIRTHDATE.
python3 - "$dir" <<'PY'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1] + "/catalog.sqlite")
n = db.execute("SELECT MAX(id) FROM local_identity").fetchone()[0]
ids = random.Random(7).sample(range(1, n + 1), 5000)
rows = []
for i in ids:
    r = db.execute("""SELECT l.issuer, l.patient_id, t.value, l.birth_date FROM local_identity l
                      JOIN trusted_identifier t ON t.master_id = l.master_id WHERE l.id = ? AND l.issuer LIKE 'HOSP-__'""",
                   (i,)).fetchone()
    if r: rows.append("|".join(r))
open(sys.argv[1] + "/identifiers.txt", "w").write("\n".join(rows) + "\n")
print(f"sample: {len(rows)} identities of {n:,}")
PY
echo "== catalog: $(du -sh "$dir/catalog.sqlite" | cut -f1)"
sync; echo "== HTTP (release build, one keep-alive connection)"
"$bin" serve --data "$dir" --host 127.0.0.1 --http-port "$port" --log-level warning >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
python3 tools/bench/mpi_bench.py "http://127.0.0.1:$port" "$dir/identifiers.txt" --samples "$samples"
kill "$pid"; wait "$pid" 2>/dev/null || true
trap - EXIT
echo "== in-process (release build), then ingest with linking on vs off (adds rows to the catalog)"
"$bin" mpi bench --data "$dir" --identifiers "$dir/identifiers.txt" --samples "$samples" --ingest-rounds "${ROUNDS:-40}"
