"""Start/stop a real `yingyun serve` on 127.0.0.1 for peer tests (no mocks)."""
import os
import signal
import socket
import subprocess
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, data, port=None, extra=()):
        self.binary, self.data = binary, data
        self.port = port or free_port()
        self.extra = list(extra)
        self.proc = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}/dicomweb"

    def start(self, timeout=30):
        log = open(os.path.join(self.data, "server.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data", self.data, "--host", "127.0.0.1", "--http-port", str(self.port)] + self.extra,
            stdout=log, stderr=log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.data}/server.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not answer /healthz")

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()


def verify(binary, data):
    r = subprocess.run([binary, "verify", "--data", data], capture_output=True, text=True)
    return r.returncode, r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr.strip()


def multipart_body(parts, boundary):
    """Yields a multipart/related body part by part (never the whole body at once)."""
    first = True
    for data in parts:
        yield (b"" if first else b"\r\n") + b"--" + boundary + b"\r\nContent-Type: application/dicom\r\n\r\n"
        first = False
        yield data
    yield b"\r\n--" + boundary + b"--\r\n"
