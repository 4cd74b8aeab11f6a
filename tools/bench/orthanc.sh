#!/usr/bin/env bash
# Starts or stops a private Orthanc (Debian orthanc + orthanc-dicomweb) bound to 127.0.0.1, as the
# peer for DICOMweb tests and side-by-side benchmarks.
#
# Usage: tools/bench/orthanc.sh start DIR [HTTP_PORT] [DICOM_PORT]   (defaults 8042 4242)
#        tools/bench/orthanc.sh stop  DIR
#
# DIR holds everything: orthanc.json, storage/, index/, orthanc.log, orthanc.pid, bind shim.
# DICOMweb answers at http://127.0.0.1:HTTP_PORT/dicom-web.
#
# Loopback only: Orthanc 1.10 has no bind-address option and listens on 0.0.0.0 for both HTTP and
# DICOM. "RemoteAccessAllowed": false only makes it refuse remote HTTP requests after accepting
# the connection (the DICOM port stays open to anyone), and `unshare --net` would hide it from our
# own client too. So we preload a tiny bind() shim (compiled here with gcc) that turns a wildcard
# bind into a loopback bind; `ss -ltn` then shows 127.0.0.1 only.
#
# Durability as shipped: SyncStorageArea stays true (fsync per stored file). TCP_NODELAY=1 in the
# environment disables Nagle on DCMTK's DICOM sockets; "TcpNoDelay" does the same for HTTP.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR [HTTP_PORT] [DICOM_PORT]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd="$1"; dir="$2"; http_port="${3:-8042}"; dicom_port="${4:-4242}"

install_orthanc() {
  if ! command -v Orthanc >/dev/null 2>&1 || ! dpkg -s orthanc-dicomweb >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq orthanc orthanc-dicomweb gcc >/dev/null
  fi
}

plugin_path() {
  # The Debian package ships the versioned library and a symlink under /usr/share/orthanc/plugins.
  dpkg -L orthanc-dicomweb | grep -E '/libOrthancDicomWeb\.so(\.[0-9.]+)?$' | grep -v '^/usr/share' | head -n1
}

build_bind_shim() {
  cat >"$dir/bind_loopback.c" <<'EOF'
/* LD_PRELOAD shim: a bind() to the IPv4/IPv6 wildcard address becomes a bind to loopback. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static int (*real_bind)(int, const struct sockaddr *, socklen_t);
  if (!real_bind) real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
  if (addr && addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    struct sockaddr_in a;
    memcpy(&a, addr, sizeof a);
    if (a.sin_addr.s_addr == htonl(INADDR_ANY)) {
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      return real_bind(fd, (const struct sockaddr *)&a, sizeof a);
    }
  } else if (addr && addr->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
    struct sockaddr_in6 a;
    memcpy(&a, addr, sizeof a);
    if (memcmp(&a.sin6_addr, &in6addr_any, sizeof a.sin6_addr) == 0) {
      a.sin6_addr = in6addr_loopback;
      return real_bind(fd, (const struct sockaddr *)&a, sizeof a);
    }
  }
  return real_bind(fd, addr, len);
}
EOF
  gcc -shared -fPIC -O2 -o "$dir/bind_loopback.so" "$dir/bind_loopback.c" -ldl
}

write_config() {
  local plugin="$1"
  cat >"$dir/orthanc.json" <<EOF
{
  "Name": "yingyun-peer-orthanc",
  "StorageDirectory": "$dir/storage",
  "IndexDirectory": "$dir/index",
  "Plugins": ["$plugin"],
  "HttpServerEnabled": true,
  "HttpPort": $http_port,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "KeepAlive": true,
  "TcpNoDelay": true,
  "DicomServerEnabled": true,
  "DicomAet": "ORTHANC",
  "DicomPort": $dicom_port,
  "DefaultEncoding": "Utf8",
  "SyncStorageArea": true,
  "StorageCompression": false,
  "HttpCompressionEnabled": false,
  "DicomWeb": {
    "Enable": true,
    "Root": "/dicom-web/",
    "EnableWado": true,
    "WadoRoot": "/wado",
    "Host": "127.0.0.1:$http_port",
    "Ssl": false
  }
}
EOF
}

wait_ready() {
  local url="http://127.0.0.1:$http_port/system" pid="$1"
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "orthanc exited; last log lines:" >&2; tail -n 20 "$dir/orthanc.log" >&2; return 1
    fi
    sleep 0.2
  done
  echo "orthanc did not answer $url within 30 s" >&2; return 1
}

case "$cmd" in
  start)
    install_orthanc
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if [ -f "$dir/orthanc.pid" ] && kill -0 "$(cat "$dir/orthanc.pid")" 2>/dev/null; then
      echo "orthanc already running (pid $(cat "$dir/orthanc.pid"))" >&2; exit 0
    fi
    plugin="$(plugin_path)"
    [ -n "$plugin" ] || { echo "orthanc-dicomweb plugin not found (dpkg -L orthanc-dicomweb)" >&2; exit 1; }
    mkdir -p "$dir/storage" "$dir/index"
    build_bind_shim
    write_config "$plugin"
    TCP_NODELAY=1 LD_PRELOAD="$dir/bind_loopback.so" \
      setsid Orthanc "$dir/orthanc.json" >"$dir/orthanc.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$dir/orthanc.pid"
    wait_ready "$pid"
    echo "orthanc pid $pid: http://127.0.0.1:$http_port/dicom-web (DICOM ORTHANC@127.0.0.1:$dicom_port)"
    ;;
  stop)
    [ -d "$dir" ] || { echo "no such directory: $dir" >&2; exit 1; }
    pidfile="$dir/orthanc.pid"
    [ -f "$pidfile" ] || { echo "not running (no $pidfile)" >&2; exit 0; }
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    fi
    rm -f "$pidfile"
    echo "orthanc stopped"
    ;;
  *) usage ;;
esac
