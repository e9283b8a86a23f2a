"""The built suite: originals pass, kept variants are really caught, items are well formed."""
from __future__ import annotations

import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.families.hls.build import Kernel, build_items, item_counts, load_kernels
from harness.families.hls.csim import csim
from harness.families.hls.items import HlsItem
from harness.families.hls.mutate import TYPE_ORDER
from tests.hls.pch import _link

#: the session build C-simulates every original and every tried variant
pytestmark = pytest.mark.slow


def test_every_original_passes_every_build(kernels_dir: Path, hls_cache: Path, tmp_path: Path,
                                           built_items: list[HlsItem]) -> None:
    """The session build C-simulated every original from an empty cache (and refuses a kernel
    that fails); here the results are read back, build by build."""
    kernels = load_kernels(kernels_dir)
    assert len(kernels) >= 20
    for k in kernels:
        assert {"name", "category", "top", "description"} <= set(k.meta), k.name
    def run(k: Kernel) -> tuple[str, bool, str]:
        res = csim(k.source, k.folder / "tb.cpp", tmp_path / k.name, cache=hls_cache, timeout_s=10)
        return k.name, res.passed and set(res.builds) == {"plain", "sanitize", "pattern"}, res.symptom
    with ThreadPoolExecutor(max_workers=2) as pool:
        bad = [r for r in pool.map(run, kernels) if not r[1]]
    assert not bad, bad


def test_suite_shape(built_items: list[HlsItem], kernels_dir: Path) -> None:
    counts = item_counts(built_items)
    n_kernels = len(load_kernels(kernels_dir))
    assert counts["control"] == n_kernels
    assert counts["control"] == len(built_items) - counts["control"]  # balanced: one bug item per control
    assert set(TYPE_ORDER) <= set(counts), counts
    ids = [it.id for it in built_items]
    assert len(ids) == len(set(ids))
    for it in built_items:
        kernel, tail = it.id.split("/")
        assert kernel == it.kernel
        if not it.buggy:
            assert tail == "control" and it.code == it.original and it.spans == []
            continue
        assert tail == f"{it.type}_1"
        assert it.symptom and it.symptom["build"] in ("plain", "sanitize", "pattern")
        assert it.symptom["status"] in ("fail", "runtime_error", "timeout")
        n = len(it.code.split("\n"))
        (a, b), = it.spans
        assert 1 <= a <= b <= n
        changed = [i + 1 for i, (x, y) in enumerate(zip(it.code.split("\n"), it.original.split("\n"))) if x != y]
        assert changed and a <= changed[0] and changed[-1] <= b
    oob = [it for it in built_items if it.type == "OOB"]
    assert all(it.symptom and it.symptom["build"] == "sanitize" for it in oob)
    assert all(it.symptom and it.symptom["status"] == "timeout" for it in built_items if it.type == "INF")


def test_build_is_cached(built_items: list[HlsItem], kernels_dir: Path, hls_cache: Path) -> None:
    start = time.monotonic()
    again = build_items(kernels_dir, cache_dir=hls_cache)
    assert time.monotonic() - start < 10
    assert [i.to_json(kernels_dir) for i in again] == [i.to_json(kernels_dir) for i in built_items]
    assert list((hls_cache / "items").glob("hls_items-*.json"))


def test_kept_variants_are_caught_when_rebuilt(built_items: list[HlsItem], hls_cache: Path, tmp_path: Path) -> None:
    """Rebuild every kept variant with no cached results (only the precompiled headers, the
    judge and the testbench programs and host objects are shared: the kernel is compiled, linked
    and run again) and check the recorded build fails the recorded way."""
    fresh = tmp_path / "fresh-cache"
    fresh.mkdir()
    for sub in ("pch", "judge", "tbexe", "hostobj"):  # hard links: the three headers weigh about 240 MB
        if (hls_cache / sub).is_dir():
            shutil.copytree(hls_cache / sub, fresh / sub, copy_function=lambda src, dst: _link(Path(src), Path(dst)))
    buggy = [it for it in built_items if it.buggy]

    def check(it: HlsItem) -> tuple[str, str, str]:
        assert it.symptom is not None and it.tb_path is not None
        res = csim(it.code, it.tb_path, tmp_path / "work" / it.id.replace("/", "_"), cache=fresh, timeout_s=4.0,
                   builds=(it.symptom["build"],))
        bad = res.first_failure
        return it.id, it.symptom["status"], bad.status if bad else "pass"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(check, buggy))
    wrong = [r for r in results if r[1] != r[2]]
    assert not wrong, wrong
    assert Counter(it.symptom["build"] for it in buggy if it.symptom)  # sanity: symptoms recorded
