"""Red team s16/rth finding 1: requant's testbench took its shifts from a fixed table holding 28
of the 40 values ``kernel.h`` allows, so a fix wrong only at an untested shift passed every build:

- ``requant_rt16_table.cpp`` (answer a1): the rounding constants from a table whose entry for
  shift 5 is 15 instead of 16 (wrong only on products on shift 5's rounding tie);
- ``requant_rt16_floor.cpp`` (answer a2): no rounding constant at the 12 untested shifts.

The testbench now uses every shift of [1, 40], and six of its 18 tests put every product on or
next to the rounding tie of its shift: both answers fail under the default seed and fresh ones."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.csim import BUILD_FLAGS, COMMON_FLAGS
from harness.families.hls.verdict import tb_wrapper_for
from tests.hls.pch import compile_and_link, passes_with_seed, precompiled_headers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ANSWERS = ("requant_rt16_table", "requant_rt16_floor")
SEEDS = (None, 1, 2, 12345, 4000000000)
FLAGS = (*COMMON_FLAGS, *BUILD_FLAGS["plain"])
FOLDER = KERNELS_DIR / "requant"


def test_every_allowed_shift_is_tested() -> None:
    assert "shift[ch] is in [1, 40]" in (FOLDER / "kernel.h").read_text()
    tb = (FOLDER / "tb.cpp").read_text()
    table = tb[tb.index("const int shifts[6][RQ_CH]"):tb.index("};", tb.index("const int shifts[6][RQ_CH]"))]
    assert {int(n) for n in re.findall(r"\d+", table.split("=", 1)[1])} == set(range(1, 41))
    assert "const bool tie = t >= 12;" in tb and "tb_order[18]" in tb


@pytest.mark.slow
def test_the_answers_fail_under_every_seed(hard_cache: Path, tmp_path: Path) -> None:
    pch = precompiled_headers(hard_cache, FLAGS)
    for f in FOLDER.glob("*.h"):
        shutil.copy(f, tmp_path / f.name)
    shutil.copy(FOLDER / "tb.cpp", tmp_path / "tb.cpp")
    (tmp_path / "w.cpp").write_text(tb_wrapper_for(FOLDER / "tb.cpp", (FOLDER / "tb.cpp").read_text()))
    kernels = {"control": (FOLDER / "kernel.cpp").read_text()}
    kernels |= {n: (FIXTURES / f"{n}.cpp").read_text() for n in ANSWERS}
    for name, src in kernels.items():
        (tmp_path / f"{name}.cpp").write_text(src)
    why = compile_and_link(tmp_path, FLAGS, pch, "w.cpp", [f"{n}.cpp" for n in kernels])
    assert why is None, why
    wrong = [f"control seed {s}: fails" for s in SEEDS if not passes_with_seed(tmp_path / "control", s)]
    wrong += [f"{n} seed {s}: passes" for n in ANSWERS for s in SEEDS if passes_with_seed(tmp_path / n, s)]
    assert not wrong, "\n".join(wrong)
