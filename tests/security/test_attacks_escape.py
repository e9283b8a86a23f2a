"""Attacks that reach beyond the sample: network, lingering daemons, signals to the harness."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.sandbox.base import Limits, Sandbox
from tests.security.attack_helpers import processes_with, run_py, wait_gone

pytestmark = pytest.mark.slow  # every test runs attack code in a real sandbox (local and docker)


@pytest.fixture
def loopback_server() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP server on 127.0.0.1 that records whatever connects to it."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    seen.append(conn.recv(1024) or b"<connected>")
                except OSError:
                    seen.append(b"<connected>")

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield srv.getsockname()[1], seen
    stop.set()
    t.join(2)
    srv.close()


NET_ATTACK = r'''
import socket, sys
port = int(sys.argv[1])
for host in ("127.0.0.1", "localhost", "10.0.2.2", "172.17.0.1"):
    try:
        s = socket.create_connection((host, port), timeout=2)
        s.sendall(b"exfiltrated")
        print("CONNECTED", host)
    except Exception as exc:
        print("no route", host, type(exc).__name__)
for path in ("/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        print("CONNECTED", path)
    except Exception as exc:
        print("no socket", path, type(exc).__name__)
try:
    socket.getaddrinfo("pypi.org", 443)
    print("RESOLVED pypi.org")
except Exception as exc:
    print("no dns", type(exc).__name__)
'''


def test_no_network_reaches_the_host(sandbox: Sandbox, loopback_server: tuple[int, list[bytes]],
                                     tmp_path: Path) -> None:
    port, seen = loopback_server
    res = run_py(sandbox, NET_ATTACK, tmp_path / "work", args=(str(port),), limits=Limits(wall_s=40))
    assert res.infra_error is None, res.infra_error
    time.sleep(0.3)
    assert seen == []
    assert "CONNECTED" not in res.stdout and "RESOLVED" not in res.stdout
    assert "no route 127.0.0.1" in res.stdout


DAEMON = r'''
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        # keep stdout open and keep writing: a daemon that wants to outlive the sample
        while True:
            try:
                with open("beat", "a") as fh:
                    fh.write("x")
            except OSError:
                pass
            time.sleep(0.05)
    os._exit(0)
time.sleep(0.3)
print("parent done")
'''


def test_daemon_dies_with_the_sample(sandbox: Sandbox, token: str, tmp_path: Path) -> None:
    t0 = time.monotonic()
    res = run_py(sandbox, DAEMON, tmp_path / "work", args=(token,), limits=Limits(wall_s=8))
    assert res.infra_error is None, res.infra_error
    assert time.monotonic() - t0 < 30
    assert res.timed_out or "parent done" in res.stdout
    assert wait_gone(token, 3.0) == [], "the daemon outlived its sample"


SIGNALS = r'''
import os, signal, sys
for pid in (int(sys.argv[1]), int(sys.argv[2])):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
            print("SIGNALLED", pid, sig)
        except Exception as exc:
            print("denied", pid, type(exc).__name__)
try:
    os.killpg(int(sys.argv[1]), signal.SIGKILL)
    print("SIGNALLED group")
except Exception as exc:
    print("denied group", type(exc).__name__)
os.kill(-1, signal.SIGKILL)  # everything this process may signal
'''


def test_candidate_cannot_signal_the_harness(sandbox: Sandbox, token: str, tmp_path: Path) -> None:
    sentinel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", token])
    try:
        res = run_py(sandbox, SIGNALS, tmp_path / "work", args=(str(os.getpid()), str(sentinel.pid)),
                     limits=Limits(wall_s=20))
        assert res.infra_error is None, res.infra_error
        assert "SIGNALLED" not in res.stdout
        assert sentinel.poll() is None, "the candidate killed a host process"
        assert processes_with(token) == [sentinel.pid]
    finally:
        sentinel.kill()
        sentinel.wait()
