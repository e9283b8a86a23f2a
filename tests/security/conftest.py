"""The attack suite: every attack runs against ``local`` (bubblewrap) and ``docker``.

Attacks that could hurt the host if the sandbox were broken (``kill -1``, fork bombs) run only
after :func:`_assert_contained` has shown that the candidate is a non-root uid in its own pid
namespace. The docker sandbox is skipped when no engine or image is available, unless
``HWEVAL_REQUIRE_DOCKER=1`` (set by ``make test``) turns that into a failure.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.sandbox.base import Limits, Sandbox
from tests.helpers import sandbox_or_skip
from tests.hls.pch import session_hls_cache

KINDS = ("local", "docker")


def _assert_contained(sb: Sandbox, tmp: Path) -> None:
    """The candidate must be non-root and in its own pid namespace before host-hostile attacks."""
    res = sb.run(["/bin/sh", "-c", "id -u; readlink /proc/self/ns/pid"], workdir=tmp / "probe",
                 limits=Limits(wall_s=30))
    lines = res.stdout.split()
    assert res.infra_error is None and len(lines) == 2, res
    assert lines[0] != "0", "the candidate runs as root"
    assert lines[1] != os.readlink("/proc/self/ns/pid"), "the candidate shares the host's pid namespace"


@pytest.fixture(scope="session", params=KINDS)
def sandbox(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    sb = sandbox_or_skip(request.param)
    _assert_contained(sb, tmp_path_factory.mktemp(f"contained-{request.param}"))
    yield sb
    sb.close()


@pytest.fixture
def token() -> str:
    return secrets.token_hex(12)


# ---------------------------------------------------------------- HLS


@pytest.fixture(scope="session")
def hls_cache(_isolated_cache: None) -> Path:
    """The session's HLS cache folder (``$HWEVAL_CACHE/hls``, shared with the other HLS tests):
    precompiled headers made once; the attack tests evaluate against a :func:`warm_cache` copy."""
    return session_hls_cache()
