"""hls-hard, fourth batch (issue 15): six longer kernels of several functions.

Each kernel's bug rests on an ap_int/ap_fixed rule (conversion to ap_int truncates towards zero,
an ap_int of 32 bits or more compares with an int as unsigned, a shift keeps the width, an
unsigned index aliases -1, saturation one function early, AP_RND against ties-to-even, a stream
read in the right operand of &&) and shows only for some inputs. These tests check that:

- every seed (the default one and fresh ones) passes each control and fails each bug, and each
  bug of a two-bug item alone: the sweep of every kernel in tests/hls_hard/test_seeded_order.py;
- the decoys of the controls are load-bearing: the edits a reviewer is tempted to make fail the
  testbench (C-simulation through the session cache);
- the records: one bug per kernel, controls split between the ids, two two-bug items, README rows.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.build import load_bugs
from harness.families.hls.csim import csim

BATCH4 = ("clip_integ", "lce_row", "lvl_shift", "peak_drop", "sobel_mirror", "trig_capture")
TWO_BUGS = ("lce_row", "lvl_shift")

#: Edits of a control (line, old, new) that a reviewer might make to "fix" a decoy; each must
#: fail the testbench.
DECOY_FIXES: dict[str, list[tuple[int, str, str]]] = {
    "clip_integ": [(4, "AP_TRN_ZERO", "AP_TRN"), (4, "AP_TRN_ZERO", "AP_RND_ZERO")],
    "lce_row": [(13, "ap_fixed<12, 12>", "ap_fixed<12, 12, AP_RND>"), (40, "lc_g_t g = k;", "lc_gain_t g = k;"),
                (18, "ap_uint<13>", "ap_uint<12>")],
    "lvl_shift": [(3, "AP_RND_CONV", "AP_RND_INF"), (3, "ap_fixed<20, 5, AP_RND_CONV>", "ap_fixed<19, 4, AP_RND_CONV>")],
    "peak_drop": [(3, "ap_uint<16>", "ap_uint<15>"), (4, "ap_uint<19>", "ap_uint<18>"), (52, "int thr", "pd_win_t thr")],
    "sobel_mirror": [(30, "above = below;", "above = mid;"), (32, "below = above;", "below = mid;"),
                     (6, "ap_int<11>", "ap_int<10>")],
    "trig_capture": [(17, "s >> 1", "s / 2"), (5, "ap_uint<3>", "ap_uint<2>"),
                     (36, "smo.read() >= level", "smo.read() > level")],
}


def _edit(source: str, line: int, old: str, new: str) -> str:
    lines = source.split("\n")
    assert lines[line - 1].count(old) == 1, (line, old)
    lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines)


def test_batch4_records() -> None:
    controls, n_two = [], 0
    readme = (KERNELS_DIR.parent / "README.md").read_text()
    section = readme[readme.index("## Fourth batch"):]
    for name in BATCH4:
        folder = KERNELS_DIR / name
        meta = tomllib.loads((folder / "meta.toml").read_text())
        (bug,) = load_bugs(folder / "meta.toml", meta, (folder / "kernel.cpp").read_text())
        assert meta["name"] == name and {meta["control_id"], bug.id} == {"a", "b"}
        controls.append(meta["control_id"])
        n_two += len(bug.spans) == 2
        assert (len(bug.spans) == 2) == (name in TWO_BUGS), name
        assert f"| `{name}` |" in section and str(meta["hard"]) in section, name
        lines = sum(len((folder / f).read_text().splitlines()) for f in ("kernel.h", "kernel.cpp"))
        assert 120 <= lines <= 300, (name, lines)
    assert sorted(controls) == ["a"] * 3 + ["b"] * 3 and n_two == 2
    assert set(DECOY_FIXES) == set(BATCH4)


@pytest.mark.slow
@pytest.mark.parametrize("name", BATCH4)
def test_batch4_decoy_fixes_break_the_control(name: str, hard_cache: Path, tmp_path: Path) -> None:
    folder = KERNELS_DIR / name
    source = (folder / "kernel.cpp").read_text()
    assert csim(source, folder / "tb.cpp", tmp_path / "control", cache=hard_cache, timeout_s=20, builds=("plain",)).passed
    for n, (line, old, new) in enumerate(DECOY_FIXES[name]):
        res = csim(_edit(source, line, old, new), folder / "tb.cpp", tmp_path / str(n), cache=hard_cache, timeout_s=20,
                   builds=("plain",))
        assert res.status == "fail", (name, line, new, res.status, res.symptom)
