#!/usr/bin/env bash
# Installs what building and testing Yingyun needs on Debian 12 (run as root, or with sudo on PATH).
# Idempotent: skips what is already there.
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
need_apt=()
for pkg in zlib1g-dev pkg-config libsqlite3-dev libssl-dev curl dcmtk python3-pip \
    libjpeg-dev libopenjp2-7-dev libcharls-dev libpng-dev openjph-tools; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# Python peers, pinned. Debian's own python3 refuses system-wide pip installs without the flag.
# Pixel decoding peers for pydicom: pylibjpeg and its plugins, pyjpegls (CharLS), python-gdcm.
# pynetdicom: the DICOM network peer (SCU, storage commitment).
PY_PKGS=(pydicom==3.0.2 dicomweb-client==0.61.2 requests pynetdicom==3.0.4
  pylibjpeg==2.1.0 pylibjpeg-libjpeg==2.5.0 pylibjpeg-openjpeg==2.6.0 pylibjpeg-rle==2.2.0
  pyjpegls==1.5.1 python-gdcm==3.2.6 pillow==13.0.0)
if ! python3 -c 'import pydicom, dicomweb_client, requests, pynetdicom, pylibjpeg, libjpeg, openjpeg, rle, jpeg_ls, gdcm, PIL, sys
from importlib.metadata import version
sys.exit(pydicom.__version__ != "3.0.2" or version("pylibjpeg") != "2.1.0" or pynetdicom.__version__ != "3.0.4")' 2>/dev/null; then
  python3 -m pip install -q "${PY_PKGS[@]}" 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "${PY_PKGS[@]}"
fi
