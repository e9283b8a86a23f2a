"""I/O of the ``docker`` sandbox (:mod:`harness.sandbox.docker`): one ``docker exec`` with its
output streams capped and its wall-time limit, and emptying the scratch folders between samples
without touching read-only mounts under them."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.proc import _CappedBuffer
from harness.sandbox.base import ExecResult


def exec_stream(api: Any, container_id: str, user: str, argv: Sequence[str], env: Mapping[str, str],
                workdir: str, stdin: bytes | None, wall_s: float, cap: int, on_timeout: Callable[[], None],
                raw_stdout: bytearray | None = None) -> ExecResult:
    """Run ``argv`` in the container as ``user``; stdout goes to ``raw_stdout`` if given.

    At ``wall_s`` ``on_timeout()`` is called (it kills the sample's processes) and the result is
    a timeout."""
    from docker.utils.socket import frames_iter

    start = time.monotonic()
    eid = api.exec_create(container_id, list(argv), stdin=stdin is not None, user=user,
                          environment=dict(env), workdir=workdir)["Id"]
    sock = api.exec_start(eid, socket=True)
    raw = getattr(sock, "_sock", sock)
    raw.settimeout(None)
    out, err = _CappedBuffer(cap), _CappedBuffer(cap)

    def pump() -> None:
        try:
            for stream, data in frames_iter(sock, tty=False):
                if stream == 2:
                    err.feed(data)
                elif raw_stdout is not None:
                    raw_stdout.extend(data)
                else:
                    out.feed(data)
        except OSError:
            pass

    def feed() -> None:
        try:
            raw.sendall(stdin or b"")
            raw.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    if stdin is not None:
        threading.Thread(target=feed, daemon=True).start()
    reader.join(wall_s)
    timed_out = reader.is_alive()
    if timed_out:
        on_timeout()
        reader.join(5)
    try:
        sock.close()
    except OSError:
        pass
    code = None
    for _ in range(200):
        info = api.exec_inspect(eid)
        if not info.get("Running"):
            code = info.get("ExitCode")
            break
        time.sleep(0.01)
    return ExecResult(None if timed_out else code, out.text(), err.text(), time.monotonic() - start,
                      timed_out=timed_out)


def clear_keeping(host_dir: Path, container_dir: str, targets: Sequence[str]) -> None:
    """Empty ``host_dir`` except mount targets (and the folders leading to them)."""
    from harness.sandbox.scratch import clear_folder

    inside = [t for t in targets if t.startswith(container_dir.rstrip("/") + "/")]
    if not inside:
        clear_folder(host_dir)
        return
    for entry in os.scandir(host_dir):
        cpath = f"{container_dir.rstrip('/')}/{entry.name}"
        if cpath in inside:
            continue
        if any(t.startswith(cpath + "/") for t in inside):
            clear_keeping(Path(entry.path), cpath, inside)
        elif entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)
