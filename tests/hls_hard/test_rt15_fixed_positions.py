"""Red team s15/rth, items 3 and 4: two non-fixes of cdot16/b passed because the testbench ran
its directed cases at the same call positions under every seed (calls 0-511) and its random
vectors almost never held the bug's condition (a tap whose four parts are all -128).

- ``rt15_cdot16_call_counter.cpp`` (answer a4): a ``static int calls`` counter keeps the 17-bit
  product for the first 512 calls only;
- ``rt15_cdot16_directed_shapes.cpp`` (answer a7): no state, the 17-bit product only at tap 5 or
  for vectors shaped like the directed ones.

The testbench now runs its directed cases interleaved with the random ones in an order drawn
from the seed, and half of its random vectors carry all -128 taps at random positions: both
answers fail under the default seed and fresh ones, and through the suite's evaluation (plain,
sanitize and pattern builds, in the sandbox)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR, HlsHardSuite
from harness.families.hls.baselines import _respond
from harness.families.hls.csim import BUILD_FLAGS, COMMON_FLAGS
from harness.families.hls.items import HlsItem
from harness.families.hls.verdict import tb_wrapper_for
from harness.sandbox.base import Sandbox
from harness.suite import EvalContext, SuiteOptions
from harness.types import Completion, Status
from tests.hls.pch import compile_and_link, passes_with_seed, precompiled_headers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ANSWERS = ("rt15_cdot16_call_counter", "rt15_cdot16_directed_shapes")
SEEDS = (None, 1, 2, 3, 12345, 987654321, 4000000000)
FLAGS = (*COMMON_FLAGS, *BUILD_FLAGS["plain"])


def test_the_directed_cases_are_interleaved_in_a_seeded_order() -> None:
    tb = (KERNELS_DIR / "cdot16" / "tb.cpp").read_text()
    assert "order[c] = order[j];" in tb and "lcg(seed) % (unsigned)(c + 1)" in tb
    assert "for (int c = 0; c < 512" not in tb


def _build(work: Path, pch: list[str], tb: str, kernels: dict[str, str]) -> None:
    folder = KERNELS_DIR / "cdot16"
    for f in folder.glob("*.h"):
        shutil.copy(f, work / f.name)
    (work / "tb.cpp").write_text(tb)
    (work / "w.cpp").write_text(tb_wrapper_for(folder / "tb.cpp", tb))
    for name, src in kernels.items():
        (work / f"{name}.cpp").write_text(src)
    why = compile_and_link(work, FLAGS, pch, "w.cpp", [f"{n}.cpp" for n in kernels])
    assert why is None, why


@pytest.mark.slow
def test_the_answers_fail_under_every_seed(hard_cache: Path, tmp_path: Path) -> None:
    """Plain build, default seed and six fresh ones: the control passes, both answers fail."""
    pch = precompiled_headers(hard_cache, FLAGS)
    kernels = {"control": (KERNELS_DIR / "cdot16" / "kernel.cpp").read_text()}
    kernels |= {n: (FIXTURES / f"{n}.cpp").read_text() for n in ANSWERS}
    _build(tmp_path, pch, (KERNELS_DIR / "cdot16" / "tb.cpp").read_text(), kernels)
    wrong = [f"control seed {s}: fails" for s in SEEDS if not passes_with_seed(tmp_path / "control", s)]
    wrong += [f"{n} seed {s}: passes" for n in ANSWERS for s in SEEDS if passes_with_seed(tmp_path / n, s)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
def test_a_table_of_the_default_seeds_outputs_passes_only_the_default_seed(hard_cache: Path, tmp_path: Path) -> None:
    """``cdot16_table_fix.cpp``: the expected outputs of the default stimulus of this
    testbench (its seeded order included), returned by a call counter (the payload of
    ``cdot16_table_fix.cpp``, regenerated for this testbench). The default seed's run is the same
    every time, so it passes there; every fresh seed changes the order and the random cases."""
    pch = precompiled_headers(hard_cache, FLAGS)
    _build(tmp_path, pch, (KERNELS_DIR / "cdot16" / "tb.cpp").read_text(),
           {"table": (FIXTURES / "cdot16_table_fix.cpp").read_text()})
    assert passes_with_seed(tmp_path / "table", None)
    assert not [s for s in SEEDS[1:] if passes_with_seed(tmp_path / "table", s)]


@pytest.mark.slow
def test_the_random_cases_alone_expose_the_bug(hard_items: list[HlsItem], hard_cache: Path, tmp_path: Path) -> None:
    """With every directed case replaced by a random one, the bug still fails under every seed
    tried (and both answers with it): a fix keyed on the directed shapes cannot pass."""
    tb = (KERNELS_DIR / "cdot16" / "tb.cpp").read_text()
    old = "for (int c = 0; c < N_CASES; c++) order[c] = c;"
    assert tb.count(old) == 1
    tb = tb.replace(old, "for (int c = 0; c < N_CASES; c++) order[c] = N_DIRECTED + c % N_RANDOM;")
    bug = next(it for it in hard_items if it.kernel == "cdot16" and it.buggy)
    kernels = {"control": bug.original, "bug": bug.code} | {n: (FIXTURES / f"{n}.cpp").read_text() for n in ANSWERS}
    _build(tmp_path, precompiled_headers(hard_cache, FLAGS), tb, kernels)
    wrong = [f"control seed {s}: fails" for s in SEEDS if not passes_with_seed(tmp_path / "control", s)]
    wrong += [f"{n} seed {s}: passes" for n in ("bug", *ANSWERS) for s in SEEDS if passes_with_seed(tmp_path / n, s)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
@pytest.mark.parametrize("name", ANSWERS)
def test_the_answers_fail_through_the_suite(name: str, hard_items: list[HlsItem], hard_cache: Path,
                                            sandbox: Sandbox, tmp_path: Path) -> None:
    item = next(it for it in hard_items if it.kernel == "cdot16" and it.buggy)
    answer = _respond("imaginary product width", {"buggy": True, "line": 5, "type": "USE", "fix": None},
                      (FIXTURES / f"{name}.cpp").read_text())
    suite = HlsHardSuite(SuiteOptions())
    problem = next(p for p in suite.problems() if p.id == item.id)
    cand = suite.extract(problem, Completion(suite.name, item.id, 0, answer))
    assert cand is not None
    verdict = suite.evaluate(problem, cand, EvalContext(sandbox=sandbox, scratch_root=tmp_path,
                                                        cache_dir=hard_cache.parent))
    assert verdict.status == Status.FAIL, (verdict.status, verdict.reason)
    assert "MISMATCH" in verdict.reason
