"""Fixtures of the HLS bug-suite tests.

The suite is built once per session into ``$HWEVAL_CACHE/hls``, the folder the CLI uses too:
tests/conftest.py points HWEVAL_CACHE at one folder per session, shared by the xdist workers,
and the CLI subprocesses inherit it, so they find the items and the compile cache already built.
:func:`~harness.families.hls.build.build_items` holds a lock per cache entry, so the first
worker builds (from an empty cache: every original and every tried variant C-simulated) and the
other waits and reads the result. Set HWEVAL_HLS_TEST_CACHE to a folder to keep the cache
between sessions while developing (then the build is no longer from scratch).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls.build import build_items
from harness.families.hls.items import HlsItem
from harness.sandbox.base import Sandbox
from tests.hls.pch import session_hls_cache

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def kernels_dir() -> Path:
    return KERNELS_DIR


@pytest.fixture(scope="session")
def hls_cache(_isolated_cache: None) -> Path:
    """``$HWEVAL_CACHE/hls``: the session's C-simulation cache (shared with the CLI subprocesses)."""
    return session_hls_cache()


@pytest.fixture(scope="session")
def hweval_cache(hls_cache: Path) -> Path:
    """The session's HWEVAL_CACHE."""
    return hls_cache.parent


@pytest.fixture(scope="session")
def built_items(kernels_dir: Path, hls_cache: Path) -> list[HlsItem]:
    """The hls-bugs items: the one build of the session (a cache hit after the first worker's)."""
    return build_items(kernels_dir, cache_dir=hls_cache, jobs=2)


@pytest.fixture(scope="session")
def chrysalis_dir() -> Path:
    return FIXTURES / "chrysalis"


@pytest.fixture(scope="session")
def local_sandbox(bwrap_sandbox: Sandbox) -> Sandbox:
    """The session's bubblewrap sandbox (tests/conftest.py)."""
    return bwrap_sandbox
