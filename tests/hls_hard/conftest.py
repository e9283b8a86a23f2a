"""Fixtures of the hls-hard tests.

The suite is built once per session into ``$HWEVAL_CACHE/hls`` (tests/conftest.py points
HWEVAL_CACHE at a per-session folder), the folder the CLI uses too, so the ``hweval run``
subprocesses find the items and the C-simulation results already there. Set
HWEVAL_HLS_TEST_CACHE to a folder to keep that cache between sessions while developing.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.build import build_items
from harness.families.hls.items import HlsItem
from harness.sandbox.base import Sandbox


@pytest.fixture(scope="session")
def hard_cache(_isolated_cache: None) -> Path:
    keep = os.environ.get("HWEVAL_HLS_TEST_CACHE")
    if keep:
        os.environ["HWEVAL_CACHE"] = keep
    path = Path(os.environ["HWEVAL_CACHE"]) / "hls"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def hard_items(hard_cache: Path) -> list[HlsItem]:
    return build_items(KERNELS_DIR, cache_dir=hard_cache, jobs=2)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    from harness.sandbox.local import BubblewrapSandbox

    sb = BubblewrapSandbox()
    ok, why = sb.check()
    assert ok, why
    yield sb
    sb.close()
