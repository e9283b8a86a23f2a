"""Fixtures of the HLS bug-suite tests.

The suite is built once per session from an empty cache (the full rebuild, which C-simulates
every original and every tried variant) into ``$HWEVAL_CACHE/hls``, the folder the CLI uses
too: tests/conftest.py points HWEVAL_CACHE at a per-session folder under tmp, and the CLI
subprocesses inherit it, so they find the items and the compile cache already built. Set
HWEVAL_HLS_TEST_CACHE to a folder to keep the cache between sessions while developing (then the
build is no longer from scratch).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls.build import build_items
from harness.families.hls.items import HlsItem
from harness.sandbox.base import Sandbox

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def kernels_dir() -> Path:
    return KERNELS_DIR


@pytest.fixture(scope="session")
def hweval_cache(_isolated_cache: None) -> Path:
    """The session's HWEVAL_CACHE (shared with the CLI subprocesses)."""
    keep = os.environ.get("HWEVAL_HLS_TEST_CACHE")
    if keep:
        os.environ["HWEVAL_CACHE"] = keep
    return Path(os.environ["HWEVAL_CACHE"])


@pytest.fixture(scope="session")
def hls_cache(hweval_cache: Path) -> Path:
    path = hweval_cache / "hls"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def built_items(kernels_dir: Path, hls_cache: Path) -> list[HlsItem]:
    return build_items(kernels_dir, cache_dir=hls_cache, jobs=2)


@pytest.fixture(scope="session")
def chrysalis_dir() -> Path:
    return FIXTURES / "chrysalis"


@pytest.fixture(scope="session")
def local_sandbox() -> Iterator[Sandbox]:
    from harness.sandbox.local import BubblewrapSandbox

    sb = BubblewrapSandbox()
    ok, why = sb.check()
    assert ok, why
    yield sb
    sb.close()
