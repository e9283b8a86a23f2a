"""Red team s15/rth items 3 and 4, closed across hls-hard: every testbench runs its directed cases
interleaved with its random ones in an order drawn from the seed (no directed case sits at the
same call position under every seed), and its random cases reach the bugs' conditions too.

Every kernel, plain build, the default seed and fresh ones: the control passes, every
hand-written bug fails, and so does each bug of a two-bug item alone (the order changes with the
seed, the directed cases are all kept). This one sweep covers what tests/hls_hard/test_seeds.py
(13 newly seeded testbenches, 3 seeds) and tests/hls_hard/test_batch4.py (the fourth batch, 5
seeds) swept before, with a superset of their seeds (issue 18: each control and bug compiled and
run once per seed, not three times)."""
from __future__ import annotations

import re
import shutil
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.build import load_bugs
from harness.families.hls.csim import BUILD_FLAGS, COMMON_FLAGS
from harness.families.hls.verdict import tb_wrapper_for
from tests.hls.pch import compile_and_link, passes_with_seed, precompiled_headers

KERNELS = sorted(p.name for p in KERNELS_DIR.iterdir() if (p / "meta.toml").is_file())
NO_DIRECTED = ("stereo_dcblock",)  # every call is random and exposes the bug
EXHAUSTIVE = ("horner3",)  # every input, in blocks visited with a seeded offset and stride
# a Fisher-Yates shuffle of the case (or block, gain, frame) list, driven by the seeded generator
SEEDS = (None, 1, 2, 12345, 987654321, 4000000000)
FLAGS = (*COMMON_FLAGS, *BUILD_FLAGS["plain"])
_SHUFFLE = re.compile(r"for \(int (\w+) = [\w ]+?(?: - 1)?; \1 > 0; \1--\) \{")


def test_every_testbench_draws_its_case_order_from_the_seed() -> None:
    missing = [k for k in KERNELS if k not in NO_DIRECTED + EXHAUSTIVE
               and not _SHUFFLE.search((KERNELS_DIR / k / "tb.cpp").read_text())]
    assert not missing, missing
    for k in EXHAUSTIVE:
        assert "(off + j * step) % nb" in (KERNELS_DIR / k / "tb.cpp").read_text(), k


def variants(name: str) -> list[tuple[str, str, bool]]:
    """(id, source, should pass): the control, each bug, and each span of a two-bug item alone."""
    folder = KERNELS_DIR / name
    original = (folder / "kernel.cpp").read_text()
    out = [("control", original, True)]
    fixed = original.split("\n")
    for bug in load_bugs(folder / "meta.toml", tomllib.loads((folder / "meta.toml").read_text()), original):
        out.append((bug.id, bug.source, False))
        buggy = bug.source.split("\n")
        for k, (a, b) in enumerate(bug.spans if len(bug.spans) > 1 else ()):
            only = [buggy[i] if a <= i + 1 <= b else fixed[i] for i in range(len(fixed))]
            out.append((f"{bug.id}-span{k}", "\n".join(only), False))
    return out


def _wrong(name: str, work: Path, pch: list[str]) -> list[str]:
    folder = KERNELS_DIR / name
    found = variants(name)
    d = work / name
    d.mkdir(parents=True)
    for f in folder.glob("*.h"):
        shutil.copy(f, d / f.name)
    shutil.copy(folder / "tb.cpp", d / "tb.cpp")
    (d / "w.cpp").write_text(tb_wrapper_for(folder / "tb.cpp", (folder / "tb.cpp").read_text()))
    for vid, src, _ in found:
        (d / f"{vid}.cpp").write_text(src)
    why = compile_and_link(d, FLAGS, pch, "w.cpp", [f"{vid}.cpp" for vid, _, _ in found])
    if why is not None:
        return [f"{name}: does not compile: {why}"]
    return [f"{name}/{vid} seed {seed}: {'fails' if should else 'passes'}"
            for vid, _, should in found for seed in SEEDS if passes_with_seed(d / vid, seed) != should]


def test_the_sweep_holds_every_kernel_and_each_span_of_every_two_bug_item() -> None:
    two = [k for k in KERNELS if any(v.endswith("-span1") for v, _, _ in variants(k))]
    assert {"lce_row", "lvl_shift"} <= set(two) and len(two) >= 3
    assert len(KERNELS) >= 40 and {None, 1, 987654321, 4000000000} <= set(SEEDS)


@pytest.mark.slow
def test_every_kernel_passes_its_control_and_exposes_its_bugs_under_fresh_seeds(hard_cache: Path,
                                                                                 tmp_path: Path) -> None:
    pch = precompiled_headers(hard_cache, FLAGS)
    with ThreadPoolExecutor(2) as ex:
        wrong = [w for ws in ex.map(lambda n: _wrong(n, tmp_path, pch), KERNELS) for w in ws]
    assert not wrong, "\n".join(wrong)
