"""The wire formats of a check run.

Frames between the checker and the candidate's worker: a JSON header and an optional blob,
``[4-byte header length][header JSON][8-byte blob length][blob]``, big-endian; and :data:`TAG`,
which starts the checker's record lines on its stdout (read by the harness,
:func:`harness.families.kernels.cases.run_checked`). Plain stdlib: the checker imports nothing
else (no torch, no candidate code).
"""
from __future__ import annotations

import json
import os
import struct
from typing import Any

#: starts each record line the checker prints: ``HWEVAL-KERNEL-CHECK <nonce> <json>``
TAG = "HWEVAL-KERNEL-CHECK"

#: the path a worker reports as written when a write-watch snapshot ran out of values to follow
#: (``writes.UNWATCHED``; the judge rejects it)
UNWATCHED = "!watch_limit"

#: largest blob accepted from the worker (outputs of one case)
MAX_BLOB = 1 << 31
MAX_HEADER = 1 << 24


class PipeClosed(EOFError):
    """The other side closed the pipe (or sent a malformed frame)."""


def _read(fd: int, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise PipeClosed(f"pipe closed after {got} of {n} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def send(fd: int, header: dict[str, Any], blob: bytes = b"") -> None:
    head = json.dumps(header, default=str).encode()
    _write(fd, struct.pack(">I", len(head)) + head + struct.pack(">Q", len(blob)) + blob)


def recv(fd: int) -> tuple[dict[str, Any], bytes]:
    (n,) = struct.unpack(">I", _read(fd, 4))
    if n > MAX_HEADER:
        raise PipeClosed(f"header of {n} bytes")
    try:
        header = json.loads(_read(fd, n))
    except ValueError as exc:
        raise PipeClosed(f"malformed header: {exc}") from exc
    (m,) = struct.unpack(">Q", _read(fd, 8))
    if m > MAX_BLOB:
        raise PipeClosed(f"blob of {m} bytes")
    if not isinstance(header, dict):
        raise PipeClosed("header is not an object")
    return header, _read(fd, m)
