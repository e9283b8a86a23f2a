"""Programs that run INSIDE a sandbox, next to untrusted code.

They report through :func:`emit`: one line per stage, tagged with a per-sample nonce that the
harness passes on stdin (never in argv, env or a file), so candidate output cannot forge them.
"""
from __future__ import annotations

import json
import sys
from typing import Any

TAG = "HWEVAL-RESULT"


def read_job() -> dict[str, Any]:
    """The job description, read once from stdin (which is then at EOF for every child)."""
    return json.loads(sys.stdin.read())


def emit(nonce: str, record: dict[str, Any]) -> None:
    sys.stdout.write(f"{TAG} {nonce} {json.dumps(record)}\n")
    sys.stdout.flush()


def parse_records(stdout: str, nonce: str) -> list[dict[str, Any]]:
    """Records printed by a job with the right nonce; anything else is ignored."""
    prefix = f"{TAG} {nonce} "
    out = []
    for line in stdout.splitlines():
        if line.startswith(prefix):
            try:
                out.append(json.loads(line[len(prefix):]))
            except json.JSONDecodeError:
                continue
    return out
