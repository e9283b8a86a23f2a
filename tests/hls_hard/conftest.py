"""Fixtures of the hls-hard tests.

The suite is built once per session into ``$HWEVAL_CACHE/hls`` (tests/conftest.py points
HWEVAL_CACHE at one folder per session, shared by the xdist workers), the folder the CLI uses
too, so the ``hweval run`` subprocesses find the items and the C-simulation results already
there. :func:`~harness.families.hls.build.build_items` holds a lock per cache entry: one worker
builds, the other waits and reads. Set HWEVAL_HLS_TEST_CACHE to a folder to keep that cache
between sessions while developing.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.build import build_items
from harness.families.hls.items import HlsItem
from harness.sandbox.base import Sandbox
from tests.hls.pch import session_hls_cache


@pytest.fixture(scope="session")
def hard_cache(_isolated_cache: None) -> Path:
    """``$HWEVAL_CACHE/hls``: the session's C-simulation cache (shared with the CLI subprocesses)."""
    return session_hls_cache()


@pytest.fixture(scope="session")
def hard_items(hard_cache: Path) -> list[HlsItem]:
    """The hls-hard items: the one build of the session (a cache hit after the first worker's)."""
    return build_items(KERNELS_DIR, cache_dir=hard_cache, jobs=2)


@pytest.fixture(scope="session")
def sandbox(bwrap_sandbox: Sandbox) -> Sandbox:
    """The session's bubblewrap sandbox (tests/conftest.py)."""
    return bwrap_sandbox
