"""Builders that share a cache folder (parallel runs, the two xdist workers of `make test`) build
a suite once: :func:`build_items` holds a lock per cache entry, and whoever waited reads the
entry the first one wrote. The build itself is replaced by a slow stand-in that counts its calls
(the real one takes minutes); the lock, the cache file and its key are the real ones."""
from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls import build as build_mod
from harness.families.hls.build import build_items
from harness.families.hls.items import HlsItem


@pytest.fixture
def kernels(tmp_path: Path) -> Path:
    folder = tmp_path / "kernels"
    shutil.copytree(KERNELS_DIR / "moving_average", folder / "moving_average")
    return folder


def _count_builds(monkeypatch: pytest.MonkeyPatch, kernels: Path) -> list[float]:
    starts: list[float] = []
    lock = threading.Lock()

    def slow_build(kernels_dir: Path, *args: object) -> list[HlsItem]:
        with lock:
            starts.append(time.monotonic())
        time.sleep(0.5)
        src = (kernels / "moving_average" / "kernel.cpp").read_text()
        return [HlsItem(id="moving_average/control", kernel="moving_average", code=src, original=src,
                        kernel_dir=kernels_dir / "moving_average")]

    monkeypatch.setattr(build_mod, "_build_all", slow_build)
    return starts


def test_concurrent_builders_of_one_cache_build_once(kernels: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    starts = _count_builds(monkeypatch, kernels)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: build_items(kernels, cache_dir=tmp_path / "cache"), range(3)))
    assert len(starts) == 1, starts  # the others waited, then read the cache
    assert [[it.to_json(kernels) for it in r] for r in results] == [[results[0][0].to_json(kernels)]] * 3
    assert len(list((tmp_path / "cache" / "items").glob("hls_items-*.json"))) == 1


def test_rebuild_and_no_cache_still_build(kernels: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    starts = _count_builds(monkeypatch, kernels)
    build_items(kernels, cache_dir=tmp_path / "cache")
    build_items(kernels, cache_dir=tmp_path / "cache")
    assert len(starts) == 1
    build_items(kernels, cache_dir=tmp_path / "cache", rebuild=True)
    build_items(kernels, cache_dir=None)
    assert len(starts) == 3
