#!/usr/bin/env bash
# The physical flush bound for durable ingest on this disk.
#
# A sender that waits for each instance to be durable before sending the next cannot go faster
# than one device flush per instance. `dd oflag=dsync` writes 512 KiB blocks (a typical CT slice)
# and flushes after each one: its writes/s is that bound. The second measurement adds what a
# per-file commit costs without group commit (write + fdatasync + rename + fsync of the directory),
# the third what one syncfs costs (the group-commit flush, shared by every commit in a batch).
#
# Usage: tools/bench/flush_bound.sh [DIR]   (default ./yingyun-data/bench-tmp; same volume as the store)
set -euo pipefail
dir="${1:-./yingyun-data/bench-tmp}"
count="${COUNT:-200}"
mkdir -p "$dir"
f="$dir/flush-bound.$$"
trap 'rm -f "$f"; rm -rf "$dir/flush-bound-py.$$"' EXIT

echo "dir: $(cd "$dir" && pwd)  ($(df -h --output=source,fstype "$dir" 2>/dev/null | tail -1 | tr -s ' '))"

# dd prints "N bytes copied, S s, R MB/s" on stderr as its last line.
line="$(dd if=/dev/zero of="$f" bs=512k count="$count" oflag=dsync 2>&1 | tail -1)"
secs="$(echo "$line" | sed -E 's/.*copied, ([0-9.]+) s.*/\1/')"
awk -v n="$count" -v s="$secs" 'BEGIN {
  printf "dd 512KiB oflag=dsync: %d writes in %.3f s = %.1f writes/s (%.2f ms per durable write)\n", n, s, n / s, 1000 * s / n
  printf "  => bound for one sequential durable sender: %.0f instances/s\n", n / s
}'
rm -f "$f"

# The same with per-file durability as a store would do it without group commit, and the cost of one
# syncfs. Python only (no Swift build needed); skipped when python3 is absent.
if command -v python3 >/dev/null; then
  python3 - "$dir/flush-bound-py.$$" "$count" <<'EOF'
import ctypes, os, sys, time
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
block = b"\x01" * (512 * 1024)
dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)

t = time.perf_counter()
for i in range(n):
    tmp, final = f"{d}/t{i}", f"{d}/o{i}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, block + i.to_bytes(8, "little"))
    os.fdatasync(fd)
    os.close(fd)
    os.rename(tmp, final)
    os.fsync(dfd)
s = time.perf_counter() - t
print(f"per-file write+fdatasync+rename+fsync(dir): {n / s:.1f} files/s ({1000 * s / n:.2f} ms each)")

libc = ctypes.CDLL(None, use_errno=True)
t = time.perf_counter()
for i in range(50):
    fd = os.open(f"{d}/s{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, block)
    os.close(fd)
    if libc.syncfs(dfd) != 0:
        raise OSError(ctypes.get_errno(), "syncfs")
s = time.perf_counter() - t
print(f"write 512KiB + syncfs: {50 / s:.1f} /s ({1000 * s / 50:.2f} ms per syncfs with one dirty file)")
os.close(dfd)
for name in os.listdir(d):
    os.unlink(f"{d}/{name}")
os.rmdir(d)
EOF
fi
