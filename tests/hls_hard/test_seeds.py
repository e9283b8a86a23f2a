"""Issue 14: the 13 hls-hard testbenches that drew a fixed stimulus now take the per-run seed
(``hweval_seed``). Their directed cases do not depend on the seed, so under the default seed
and fresh ones alike the control passes and every hand-written bug fails (plain build)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.build import load_bugs
from harness.families.hls.csim import BUILD_FLAGS, COMMON_FLAGS, SEED_ENV, ap_include_dir
from harness.families.hls.verdict import tb_wrapper_for

NEWLY_SEEDED = ("bfp_norm", "black_gain", "blur3_stream", "box3_sum", "cdot16", "cic_decim", "gain_round", "horner3",
                "hsmooth_stream", "iq_round", "q7_blend", "sign_split", "sm_scale")
SEEDS = (None, 1, 987654321)


def _passes(exe: Path, seed: int | None) -> bool:
    env = {k: v for k, v in os.environ.items() if k != SEED_ENV}
    if seed is not None:
        env[SEED_ENV] = str(seed)
    res = subprocess.run(f"./{exe.name} 3>/dev/null", shell=True, cwd=exe.parent, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    return res.returncode == 0 and "TB PASS" in res.stdout


def _wrong(name: str, work: Path) -> list[str]:
    folder = KERNELS_DIR / name
    original = (folder / "kernel.cpp").read_text()
    meta = tomllib.loads((folder / "meta.toml").read_text())
    variants = [("control", original)] + [(b.id, b.source) for b in load_bugs(folder / "meta.toml", meta, original)]
    wrong = []
    for vid, src in variants:
        d = work / name / vid
        d.mkdir(parents=True)
        for f in folder.glob("*.h"):
            shutil.copy(f, d / f.name)
        shutil.copy(folder / "tb.cpp", d / "tb.cpp")
        (d / "w.cpp").write_text(tb_wrapper_for(folder / "tb.cpp", (folder / "tb.cpp").read_text()))
        (d / "kernel.cpp").write_text(src)
        res = subprocess.run(["g++", *COMMON_FLAGS, *BUILD_FLAGS["plain"], "-I.", f"-I{ap_include_dir()}", "w.cpp",
                              "kernel.cpp", "-o", "exe"], cwd=d, capture_output=True, text=True, timeout=600, check=False)
        if res.returncode:
            wrong.append(f"{name}/{vid}: does not compile: {res.stderr[-300:]}")
            continue
        for seed in SEEDS:
            if _passes(d / "exe", seed) != (vid == "control"):
                wrong.append(f"{name}/{vid} seed {seed}: {'passes' if vid != 'control' else 'fails'}")
    return wrong


def test_the_newly_seeded_testbenches_are_the_ones_that_lacked_a_hook() -> None:
    for name in NEWLY_SEEDED:
        assert "void hweval_seed(unsigned s) { tb_seed = s; }" in (KERNELS_DIR / name / "tb.cpp").read_text(), name


@pytest.mark.slow
def test_every_seed_passes_the_control_and_exposes_every_bug(tmp_path: Path) -> None:
    with ThreadPoolExecutor(2) as ex:
        wrong = [w for ws in ex.map(lambda n: _wrong(n, tmp_path), NEWLY_SEEDED) for w in ws]
    assert not wrong, "\n".join(wrong)
