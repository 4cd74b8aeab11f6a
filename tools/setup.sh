#!/usr/bin/env bash
# Installs what building and testing Yingyun needs on Debian 12 (run as root, or with sudo on PATH).
# Idempotent: skips what is already there.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need_apt=()
for pkg in zlib1g-dev pkg-config libsqlite3-dev libssl-dev curl dcmtk python3-pip; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Python peers, pinned. Debian's own python3 refuses system-wide pip installs without the flag.
PY_PKGS=(pydicom==3.0.2 dicomweb-client==0.61.2 requests pynetdicom==3.0.4)
if ! python3 -c 'import pydicom, dicomweb_client, requests, pynetdicom, sys; sys.exit(pydicom.__version__ != "3.0.2" or pynetdicom.__version__ != "3.0.4")' 2>/dev/null; then
  python3 -m pip install -q "${PY_PKGS[@]}" 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "${PY_PKGS[@]}"
fi
