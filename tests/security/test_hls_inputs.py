"""HLS fixes that change the testbench's inputs or replay its expected outputs (issue 14, red
team round 4, items 1 and 2), and the testbench rules that close both classes by design:

* every call of a kernel's top function goes through the harness's check of its ``const``
  inputs (:mod:`harness.families.hls.tbcheck`): a fix that writes one fails, however it got the
  write past the compiler (a cast through a typedef, a header's ``concat``/``range`` on a const
  value, a union, a pointer through an integer);
* a cast that drops ``const`` is ``rejected`` by the gate (``g++ -Werror=cast-qual``, what the
  compiler sees, whatever the spelling: typedef, using-alias, ``decltype``, template);
* every testbench of hls-hard and hls-bugs draws its stimulus from the per-run seed (a suite
  whose testbench has no seed hook is refused when it is loaded), so a table of the default
  seed's outputs fails the fresh-seed builds.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR as BUGS_DIR
from benchmarks.hls_hard import KERNELS_DIR as HARD_DIR
from harness.errors import DataError
from harness.families.hls.build import load_bugs, load_kernels
from harness.families.hls.csim import BUILD_FLAGS, COMMON_FLAGS
from harness.families.hls.items import HlsItem
from harness.families.hls.score import fix_at_exec
from harness.families.hls.tbcheck import check_testbench, seed_hook, top_of
from harness.families.hls.verdict import tb_wrapper_for
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import compile_and_link, precompiled_headers, warm_cache

FOLDERS = sorted([p for p in HARD_DIR.iterdir() if (p / "tb.cpp").is_file()]
                 + [p for p in BUGS_DIR.iterdir() if (p / "tb.cpp").is_file()])
FIXTURES = Path(__file__).resolve().parents[1] / "hls_hard" / "fixtures"
CHANGED_INPUT = "changed its const input"


# ---------------------------------------------------------------- testbench rules (no compiler)

def test_every_testbench_has_a_seeded_stimulus_and_a_checked_top() -> None:
    assert len(FOLDERS) == 69
    for folder in FOLDERS:
        text = (folder / "tb.cpp").read_text()
        assert check_testbench(folder) is None, folder
        assert seed_hook(text) is not None, folder
        top = top_of(folder)
        assert top is not None, folder
        assert f"#define {top}(...) hweval_checked_{top}(__VA_ARGS__)" in tb_wrapper_for(folder / "tb.cpp", text)


def test_a_testbench_without_a_seed_is_refused_when_the_suite_loads(tmp_path: Path) -> None:
    folder = tmp_path / "kernels" / "cdot16"
    shutil.copytree(HARD_DIR / "cdot16", folder)
    tb = (folder / "tb.cpp").read_text()
    unseeded = re.sub(r"void hweval_seed\(unsigned s\) \{[^}]*\}\n", "", tb)
    assert unseeded != tb
    (folder / "tb.cpp").write_text(unseeded)
    with pytest.raises(DataError, match=r"cdot16/tb\.cpp: no seeded stimulus"):
        load_kernels(tmp_path / "kernels")
    (folder / "tb.cpp").write_text(tb.replace("cdot16(x, h, y);", "(void)x;"))
    with pytest.raises(DataError, match=r"never calls the top function `cdot16`"):
        load_kernels(tmp_path / "kernels")


# ------------------------------------------- every kernel: a generic "zero the inputs" fix fails

_PROTO = re.compile(r"^([\w:<>, ]+?)\s+{top}\s*\(([^;{{]*)\)\s*;", re.MULTILINE)


def zero_inputs_fix(folder: Path) -> tuple[str, int]:
    """The original kernel behind a wrapper that zeroes every ``const`` array or reference input
    and then computes the right outputs for the zeroed inputs (so a testbench that computed its
    expected outputs from the inputs after the call would pass it); and how many inputs it zeroes."""
    top = top_of(folder)
    assert top is not None
    m = re.search(_PROTO.pattern.format(top=top), (folder / "kernel.h").read_text(), re.MULTILINE)
    assert m, f"{folder}: no prototype of {top} in kernel.h"
    ret, params = m.group(1).strip(), [p.strip() for p in re.split(r",(?![^<]*>)", m.group(2)) if p.strip()]
    names, zero = [], []
    for p in params:
        name = re.match(r"(.*?)([A-Za-z_]\w*)\s*((?:\[[^\]]*\])*)$", p)
        assert name, p
        decl, ident, dims = name.groups()
        names.append(ident)
        if p.startswith("const ") and dims:
            zero.append(f"    std::memset((void *){ident}, 0, sizeof({decl.strip()} {dims}));")
        elif p.startswith("const ") and decl.rstrip().endswith("&"):
            zero.append(f"    std::memset((void *)&{ident}, 0, sizeof({ident}));")
    src = (folder / "kernel.cpp").read_text()
    code = (f'#include "kernel.h"\n#include <cstring>\n#define {top} hweval_impl_{top}\n{src}\n#undef {top}\n'
            f"{ret} {top}({', '.join(params)}) {{\n" + "\n".join(zero)
            + f"\n    return hweval_impl_{top}({', '.join(names)});\n}}\n")
    return code, len(zero)


def _run(exe: Path, seed: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HWEVAL_TB_SEED": str(seed)}
    return subprocess.run(f"./{exe.name} 3>/dev/null", shell=True, cwd=exe.parent, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


ZERO_FLAGS = tuple(f for f in (*COMMON_FLAGS, *BUILD_FLAGS["pattern"]) if not f.startswith("-ftrivial"))


def _attack_kernel(folder: Path, work: Path, pch: list[str]) -> str | None:
    """What is wrong with ``folder``'s testbench under the zero-inputs fix, or None."""
    code, n_zeroed = zero_inputs_fix(folder)
    work.mkdir(parents=True)
    for f in [*folder.glob("*.h"), folder / "tb.cpp"]:
        shutil.copy(f, work / f.name)
    (work / "meta.toml").write_text((folder / "meta.toml").read_text())
    (work / "w.cpp").write_text(tb_wrapper_for(folder / "tb.cpp", (folder / "tb.cpp").read_text()))
    (work / "exe.cpp").write_text(code)
    why = compile_and_link(work, (*ZERO_FLAGS, "-DHWEVAL_STIMULUS_DIGEST"), pch, "w.cpp", ["exe.cpp"])
    if why is not None:
        return f"does not compile: {why}"
    runs = [_run(work / "exe", seed) for seed in (1, 2)]
    digests = [re.findall(r"^HWEVAL-STIMULUS (\w+)$", r.stdout, re.MULTILINE) for r in runs]
    if not all(len(d) == 1 for d in digests):
        return f"no stimulus digest: {runs[0].stdout[-300:]}"
    if digests[0] == digests[1]:
        return "the stimulus is the same for seeds 1 and 2 (the seed does not reach the kernel's inputs)"
    for r in runs:
        passed = r.returncode == 0 and "TB PASS" in r.stdout
        if n_zeroed and (passed or CHANGED_INPUT not in r.stdout):
            return f"the zero-inputs fix was not caught as a changed input: {r.stdout[-300:]}"
        if not n_zeroed and not passed:  # nothing to zero: the fix is the reference
            return f"the reference fails: {r.stdout[-300:]}"
    return None


@pytest.mark.slow
def test_zero_inputs_fix_fails_every_kernel_and_every_stimulus_follows_the_seed(hls_cache: Path,
                                                                                tmp_path: Path) -> None:
    """By construction, for all 69 testbenches: a fix that zeroes the kernel's const inputs and
    answers for the zeroed inputs fails with the changed-input message, and the bytes the kernel
    is given (every argument of every call, streams included) differ between two seeds. (The ap
    headers come precompiled: tests/hls/pch.py.)"""
    pch = precompiled_headers(hls_cache, (*ZERO_FLAGS, "-DHWEVAL_STIMULUS_DIGEST"))
    with ThreadPoolExecutor(2) as ex:
        problems = list(ex.map(lambda f: (f, _attack_kernel(f, tmp_path / f.parent.parent.name / f.name, pch)),
                               FOLDERS))
    bad = [f"{f.parent.parent.name}/{f.name}: {why}" for f, why in problems if why]
    assert not bad, "\n".join(bad)
    zeroed = sum(1 for f in FOLDERS if zero_inputs_fix(f)[1])
    assert zeroed == 54  # the other 15 take only streams, scalars or arrays they sort in place


# ------------------------------------------------ the red team's payloads and variants, end to end

@pytest.fixture(scope="module")
def sandbox(bwrap_sandbox: Sandbox) -> Sandbox:
    """The session's bubblewrap sandbox only (not the docker twin of tests/security/conftest.py)."""
    return bwrap_sandbox


@pytest.fixture(scope="module")
def cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh C-simulation cache (no verdict of another test) with the session's precompiled headers
    and trusted parts (testbench programs, host objects, judge: tests/hls/pch.py)."""
    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-inputs-cache"), trusted_parts=True)


def hard_item(kernel: str) -> HlsItem:
    """The buggy item of an hls-hard kernel, as the suite builds it."""
    folder = HARD_DIR / kernel
    meta = tomllib.loads((folder / "meta.toml").read_text())
    original = (folder / "kernel.cpp").read_text()
    bug = load_bugs(folder / "meta.toml", meta, original)[0]
    return HlsItem(id=f"{kernel}/{bug.id}", kernel=kernel, code=bug.source, original=original, types=list(bug.types),
                   spans=list(bug.spans), symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(folder / "kernel.h").read_text(), kernel_dir=folder)


_ARGMAX_HEAD = "void argmax_rev(const logit_t z[AM_BATCH][AM_CLASSES], ap_uint<4> cls[AM_BATCH], logit_t score[AM_BATCH]) {\n"
_ARGMAX_BODY = """    for (int b = 0; b < AM_BATCH; b++) {
        ap_uint<4> best = 0; logit_t top = 0;
        for (int k = AM_CLASSES - 2; k >= 0; k--) {
#pragma HLS PIPELINE II=1
            if (z[b][k] > top) {
                top = z[b][k];
                best = k;
            }
        }
        cls[b] = best;
        score[b] = top;
    }
}
"""


def _argmax(prelude: str, write: str) -> str:
    """An argmax_rev "fix" that zeroes the input through ``write`` and answers class 0."""
    return f'#include "kernel.h"\n\n{prelude}{_ARGMAX_HEAD}{write}{_ARGMAX_BODY}'


ZERO_LOOP = "    for (int b = 0; b < AM_BATCH; b++) for (int k = 0; k < AM_CLASSES; k++) {}[b][k] = 0;\n"

#: (name, fix, what stops it): "cast" = rejected by the gate's cast rule, "fail" = C-simulation fails.
ARGMAX_ATTACKS = [
    # the red team's payload: a C-style cast to a typedef'd pointer
    ("typedef_c_cast", _argmax("typedef logit_t (*rows_t)[AM_CLASSES];\n",
                               "    rows_t w = (rows_t)z;\n" + ZERO_LOOP.format("w")), "cast"),
    ("using_functional_cast", _argmax("using rows_t = logit_t (*)[AM_CLASSES];\n",
                                      "    rows_t w = rows_t(z);\n" + ZERO_LOOP.format("w")), "cast"),
    ("decltype_cast", _argmax("", "    auto w = (decltype(&score[0]))&z[0][0];\n"
                                  "    for (int i = 0; i < AM_BATCH * AM_CLASSES; i++) w[i] = 0;\n"), "cast"),
    ("template_cast", _argmax("template <typename P, typename Q> P as(Q q) { return (P)q; }\n",
                              "    logit_t *w = as<logit_t *>(&z[0][0]);\n"
                              "    for (int i = 0; i < AM_BATCH * AM_CLASSES; i++) w[i] = 0;\n"), "cast"),
    ("typedef_reference_cast", _argmax("typedef logit_t &ref_t;\n",
                                       "    for (int b = 0; b < AM_BATCH; b++) for (int k = 0; k < AM_CLASSES; k++) "
                                       "(ref_t)z[b][k] = 0;\n"), "cast"),
    ("const_cast", _argmax("", "    for (int b = 0; b < AM_BATCH; b++) for (int k = 0; k < AM_CLASSES; k++) "
                               "const_cast<logit_t &>(z[b][k]) = 0;\n"), "cast"),
    # no cast the compiler could flag: the testbench's check of its inputs stops these
    ("union_pun", _argmax("union pun_t { const logit_t *c; logit_t *m; };\n",
                          "    pun_t u;\n    u.c = &z[0][0];\n"
                          "    for (int i = 0; i < AM_BATCH * AM_CLASSES; i++) u.m[i] = 0;\n"), "fail"),
    ("through_an_integer", _argmax("typedef logit_t *mut_t;\n",
                                   "    mut_t w = (mut_t)(unsigned long)&z[0][0];\n"
                                   "    for (int i = 0; i < AM_BATCH * AM_CLASSES; i++) w[i] = 0;\n"), "fail"),
]


def _check(verdict_status: str, reason: str, stop: str) -> None:
    if stop == "cast":
        assert verdict_status == "rejected" and reason.startswith("cast:"), (verdict_status, reason)
    else:  # the kernel runs in its own process: it zeroes its own copy, the testbench checks its outputs
        assert verdict_status == "fail" and "MISMATCH" in reason, (verdict_status, reason)


@pytest.mark.slow
@pytest.mark.parametrize("name,fix,stop", ARGMAX_ATTACKS, ids=[a[0] for a in ARGMAX_ATTACKS])
def test_a_fix_that_writes_a_const_input_does_not_pass(name: str, fix: str, stop: str, sandbox: Sandbox,
                                                        cache: Path, tmp_path: Path) -> None:
    v = fix_at_exec(hard_item("argmax_rev"), fix, tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    _check(v.status, v.reason, stop)


@pytest.mark.slow
def test_concat_write_on_a_const_input_fails(sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """The red team's contained variant: ``a[i].concat(b[i]) = 0`` writes two const inputs
    without any cast in the fix (the header's concat drops const)."""
    item = hard_item("hamming_tree")
    fix = item.code.replace("        dist[i] = popcount32(a[i] ^ b[i]);", "        a[i].concat(b[i]) = 0;\n        dist[i] = 0;")
    assert fix != item.code
    v = fix_at_exec(item, fix, tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    _check(v.status, v.reason, "fail")


@pytest.mark.slow
def test_a_table_of_the_default_seeds_outputs_fails(sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """The red team's payload for cdot16/b: the expected outputs of the default stimulus, returned
    by a call counter. It matches the plain build and fails a fresh seed."""
    v = fix_at_exec(hard_item("cdot16"), (FIXTURES / "cdot16_table_fix.cpp").read_text(), tmp_path, cache=cache,
                    sandbox=sandbox, limits=Limits())
    assert v.status == "fail", (v.status, v.reason)
    assert v.builds.get("plain") == "pass" and "MISMATCH" in v.reason


@pytest.mark.slow
def test_honest_fixes_with_numeric_casts_pass(sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """Casts between numeric and ap types (C-style, functional, static_cast) and a const pointer
    to a const input are not flagged."""
    item = hard_item("argmax_rev")
    fix = item.original.replace("        ap_uint<4> best = AM_CLASSES - 1;\n",
                                "        const logit_t *row = &z[b][0];\n"
                                "        ap_uint<4> best = (ap_uint<4>)(int)(AM_CLASSES - 1);\n")
    fix = fix.replace("                best = k;\n", "                best = static_cast<ap_uint<4> >(ap_int<8>((long)k));\n")
    fix = fix.replace("            if (z[b][k] >= top) {", "            if (row[k] >= top) {")
    assert fix.count("row[k]") == 1 and fix.count("(long)k") == 1
    v = fix_at_exec(item, fix, tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    assert v.status == "pass", v.reason
