"""hls-hard, second batch: the decoys of the controls are load-bearing, and black_gain's bugs mask.

A decoy is a construct of a correct kernel that looks like a bug (an unusual rounding mode, a
tight width, a flush loop bound). A reviewer who "fixes" one breaks the kernel, so each
testbench must fail such a change; these tests apply the tempting edits to the controls and
C-simulate them (through the session's C-simulation cache: precompiled headers, the testbench
object, and the results the suite build already has). The black_gain test checks that its two
bugs really mask each other.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.build import load_bugs
from harness.families.hls.csim import csim

SECOND_BATCH = ("bfp_norm", "black_gain", "blur3_stream", "cdot16", "cic_decim", "horner3", "iq_round", "sign_split")

#: Edits of a control (line, old, new) that a reviewer might make to "fix" a decoy; each must
#: fail the testbench.
DECOY_FIXES: dict[str, list[tuple[int, str, str]]] = {
    "iq_round": [(6, "AP_RND_INF", "AP_RND"), (6, "AP_RND_INF", "AP_RND_CONV"), (6, "AP_SAT_SYM", "AP_SAT"),
                 (4, "ap_fixed<26, 3>", "ap_fixed<25, 2>")],
    "blur3_stream": [(29, "(c == 1) ? w1 : w0", "w0"), (22, "r == 1", "r == 0"), (11, "r <= BL_H", "r < BL_H"),
                     (14, "col = w2", "col = w1")],
    "sign_split": [(35, "ap_uint<12>(neg.read())", "neg.read()"), (21, "(nn, np)", "(np, nn)")],
    "bfp_norm": [(23, "clz16(acc) - 1", "clz16(acc)"), (31, "x[i] << s", "ap_int<32>(x[i]) << (s - 1)")],
    "black_gain": [(3, "AP_RND", "AP_RND_CONV"), (3, "ap_fixed<15, 15, AP_RND>", "ap_fixed<14, 14, AP_RND>")],
    "horner3": [(4, "ap_fixed<20, 3>", "ap_fixed<19, 3>"), (6, "ap_fixed<23, 3>", "ap_fixed<22, 3>")],
    "cdot16": [(17, "ap_int<20>", "ap_int<19>"), (4, "ap_int<16> re", "ap_int<15> re")],
    "cic_decim": [(4, "ap_int<16>", "ap_int<15>")],
}


def _edit(source: str, line: int, old: str, new: str) -> str:
    lines = source.split("\n")
    assert lines[line - 1].count(old) == 1, (line, old)
    lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines)


def test_second_batch_records() -> None:
    controls = []
    for name in SECOND_BATCH:
        folder = KERNELS_DIR / name
        meta = tomllib.loads((folder / "meta.toml").read_text())
        bugs = load_bugs(folder / "meta.toml", meta, (folder / "kernel.cpp").read_text())
        assert meta["name"] == name and len(bugs) == 1 and {meta["control_id"], bugs[0].id} == {"a", "b"}
        controls.append(meta["control_id"])
    assert sorted(controls) == ["a"] * 4 + ["b"] * 4  # the id says nothing about the item
    assert set(DECOY_FIXES) == set(SECOND_BATCH)


@pytest.mark.slow
@pytest.mark.parametrize("name", SECOND_BATCH)
def test_decoy_fixes_break_the_control(name: str, hard_cache: Path, tmp_path: Path) -> None:
    folder = KERNELS_DIR / name
    source = (folder / "kernel.cpp").read_text()
    assert csim(source, folder / "tb.cpp", tmp_path / "control", cache=hard_cache, timeout_s=20, builds=("plain",)).passed
    for n, (line, old, new) in enumerate(DECOY_FIXES[name]):
        res = csim(_edit(source, line, old, new), folder / "tb.cpp", tmp_path / str(n), cache=hard_cache, timeout_s=20,
                   builds=("plain",))
        assert res.status == "fail", (name, line, new, res.status, res.symptom)


@pytest.mark.slow
def test_black_gain_bugs_mask_each_other(hard_cache: Path, tmp_path: Path) -> None:
    """With the unsigned difference in place, the unsigned clip comparison changes no output;
    fixed alone, each bug still fails (test_each_bug_of_a_two_bug_item_is_caught_alone)."""
    folder = KERNELS_DIR / "black_gain"
    source = (folder / "kernel.cpp").read_text()
    (bug,) = load_bugs(folder / "meta.toml", tomllib.loads((folder / "meta.toml").read_text()), source)
    assert bug.spans == ((12, 13), (20, 20))
    only_diff = _edit(source, 20, "ap_int<13> d", "raw_t d")
    both = csim(bug.source, folder / "tb.cpp", tmp_path / "both", cache=hard_cache, timeout_s=20,
                builds=("plain",)).builds["plain"]
    first = csim(only_diff, folder / "tb.cpp", tmp_path / "first", cache=hard_cache, timeout_s=20,
                 builds=("plain",)).builds["plain"]
    assert both.status == first.status == "fail"
    def report(out: str) -> list[str]:  # the testbench's lines (the harness adds a per-run nonce)
        return [ln for ln in out.splitlines() if ln.startswith(("MISMATCH", "TB "))]

    assert report(both.output) and report(both.output) == report(first.output)  # same mismatches, same count
