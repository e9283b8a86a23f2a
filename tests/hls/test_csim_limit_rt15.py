"""Red team s15 (rth item 7): C-simulation's result cache ignored the time limit. hls-hard
``cdot16/b`` fixed, plus a first call that spins for about a second: evaluated with
``-S timeout=60`` it passed and the pass was cached; evaluated again with ``-S timeout=1`` the
cached pass was served (the same code with one comment changed timed out). Now a result is keyed
on the limit it was measured under, and a timeout is never cached (a loaded machine's timeout is
not the answer's verdict for good)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR as BUGS_DIR
from benchmarks.hls_hard import KERNELS_DIR as HARD_DIR
from harness.families.hls.answer import parse_answer
from harness.families.hls.csim import csim
from tests.hls.pch import warm_cache

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rt15"


def _fix(name: str) -> str:
    record = json.loads((FIXTURES / name).read_text().splitlines()[0])
    answer = parse_answer(record["completion"])
    assert answer is not None and answer.fix is not None
    return answer.fix


def _results(cache: Path) -> int:
    return len(list((cache / "result").rglob("*.json")))


@pytest.mark.slow
def test_a_pass_under_a_generous_limit_is_not_served_under_a_strict_one(hls_cache: Path, tmp_path: Path) -> None:
    """The red team's answer verbatim: ``pass`` under 60 s, then ``timeout`` under 0.25 s from the same
    cache (before: the cached ``pass``), and the timeout is not stored."""
    slow = _fix("a10_cdot16_slow.jsonl")
    assert "1000000000UL" in slow
    cache = warm_cache(hls_cache, tmp_path / "cache", header_probe=False)
    tb = HARD_DIR / "cdot16" / "tb.cpp"
    generous = csim(slow, tb, tmp_path / "t60", cache=cache, timeout_s=60, builds=("plain",))
    assert generous.passed, generous.symptom
    stored = _results(cache)
    strict = csim(slow, tb, tmp_path / "t1", cache=cache, timeout_s=0.25, builds=("plain",))
    assert strict.status == "timeout" and not strict.builds["plain"].cached, strict.symptom
    assert _results(cache) == stored  # the timeout went to no cache
    again = csim(slow, tb, tmp_path / "t1b", cache=cache, timeout_s=0.25, builds=("plain",))
    assert again.status == "timeout" and not again.builds["plain"].cached  # run again, not served
    served = csim(slow, tb, tmp_path / "t60b", cache=cache, timeout_s=60, builds=("plain",))
    assert served.passed and served.builds["plain"].cached  # a pass is still cached, under its own limit


@pytest.mark.slow
def test_the_one_comment_variant_agrees(hls_cache: Path, tmp_path: Path) -> None:
    """The variant the red team ran cold under 1 s (a timeout then) times out under 0.25 s."""
    variant = _fix("a10_cdot16_slow_variant.jsonl")
    cache = warm_cache(hls_cache, tmp_path / "cache", header_probe=False)
    res = csim(variant, HARD_DIR / "cdot16" / "tb.cpp", tmp_path / "v", cache=cache, timeout_s=0.25, builds=("plain",))
    assert res.status == "timeout", res.symptom


@pytest.mark.slow
def test_an_honest_kernel_is_still_cached_per_limit(hls_cache: Path, tmp_path: Path) -> None:
    """A kernel that passes is served from the cache under the limit it ran under, and runs again
    (and passes) under another."""
    cache = warm_cache(hls_cache, tmp_path / "cache", header_probe=False)
    folder = BUGS_DIR / "moving_average"
    src = (folder / "kernel.cpp").read_text().replace('#include "kernel.h"', '#include "kernel.h"\n// rt15 limit', 1)
    first = csim(src, folder / "tb.cpp", tmp_path / "a", cache=cache, timeout_s=10, builds=("plain",))
    second = csim(src, folder / "tb.cpp", tmp_path / "b", cache=cache, timeout_s=10, builds=("plain",))
    other = csim(src, folder / "tb.cpp", tmp_path / "c", cache=cache, timeout_s=7, builds=("plain",))
    assert first.passed and second.passed and other.passed
    assert not first.builds["plain"].cached and second.builds["plain"].cached and not other.builds["plain"].cached
