"""Issue 14: the 13 hls-hard testbenches that drew a fixed stimulus now take the per-run seed
(``hweval_seed``). Their directed cases do not depend on the seed, so under the default seed
and fresh ones alike the control passes and every hand-written bug fails (plain build).

The ap headers come precompiled and each testbench is compiled once for its control and bugs
(tests/hls/pch.py): the same flags and sources as compiling each pair from scratch."""
from __future__ import annotations

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

NEWLY_SEEDED = ("bfp_norm", "black_gain", "blur3_stream", "box3_sum", "cdot16", "cic_decim", "gain_round", "horner3",
                "hsmooth_stream", "iq_round", "q7_blend", "sign_split", "sm_scale")
SEEDS = (None, 1, 987654321)
FLAGS = (*COMMON_FLAGS, *BUILD_FLAGS["plain"])


def _wrong(name: str, work: Path, pch: list[str]) -> list[str]:
    folder = KERNELS_DIR / name
    original = (folder / "kernel.cpp").read_text()
    meta = tomllib.loads((folder / "meta.toml").read_text())
    variants = [("control", original)] + [(b.id, b.source) for b in load_bugs(folder / "meta.toml", meta, original)]
    d = work / name
    d.mkdir(parents=True)
    for f in folder.glob("*.h"):
        shutil.copy(f, d / f.name)
    shutil.copy(folder / "tb.cpp", d / "tb.cpp")
    (d / "w.cpp").write_text(tb_wrapper_for(folder / "tb.cpp", (folder / "tb.cpp").read_text()))
    for vid, src in variants:
        (d / f"{vid}.cpp").write_text(src)
    why = compile_and_link(d, FLAGS, pch, "w.cpp", [f"{vid}.cpp" for vid, _ in variants])
    if why is not None:
        return [f"{name}: does not compile: {why}"]
    return [f"{name}/{vid} seed {seed}: {'passes' if vid != 'control' else 'fails'}"
            for vid, _ in variants for seed in SEEDS if passes_with_seed(d / vid, seed) != (vid == "control")]


def test_the_newly_seeded_testbenches_are_the_ones_that_lacked_a_hook() -> None:
    for name in NEWLY_SEEDED:
        assert "void hweval_seed(unsigned s) { tb_seed = s; }" in (KERNELS_DIR / name / "tb.cpp").read_text(), name


@pytest.mark.slow
def test_every_seed_passes_the_control_and_exposes_every_bug(hard_cache: Path, tmp_path: Path) -> None:
    pch = precompiled_headers(hard_cache, FLAGS)
    with ThreadPoolExecutor(2) as ex:
        wrong = [w for ws in ex.map(lambda n: _wrong(n, tmp_path, pch), NEWLY_SEEDED) for w in ws]
    assert not wrong, "\n".join(wrong)
