"""HLS honest answers, round 6 (issue 14, F13): documented ap_int helpers must not cost a fix.

F13: a fix of bit_ops/INF_1 that used ``w.range(0, 31)`` (bit-reversed part-select) and
``w.xor_reduce()`` was rejected ``external``: the headers' implementation of those members calls
``__popcountdi2`` and ``fprintf``, which the original kernel happens not to instantiate. Now the
object rule also allows what the headers' own code can reference (``objcheck.HEADER_PROBE``,
compiled once per command, compiler and headers). The allowance cannot be aimed: naming those
functions, ``__attribute__`` (weakref, asm labels), ``[[...]]`` and the headers' reserved
``_AP_*`` macros stays forbidden, a global initialiser stays ``before-main``, and a header path
that prints and aborts ends the run before the testbench returns (the verdict never reads text).
Every fix runs end to end through ``fix_at_exec`` with the bubblewrap sandbox and the real g++.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls.csim import ap_include_dir
from harness.families.hls.guard import _header_externals, check_fix_text, compile_bases
from harness.families.hls.items import HlsItem
from harness.families.hls.score import fix_at_exec
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import warm_cache

BIT_OPS = KERNELS_DIR / "bit_ops"
BIT_ORIGINAL = (BIT_OPS / "kernel.cpp").read_text()
BIT_BUGGY = BIT_ORIGINAL.replace("ap_uint<6> b = 0; b < 32", "ap_uint<5> b = 0; b < 32")  # never ends
_LOOP = """        for (ap_uint<6> b = 0; b < 32; b++) {
#pragma HLS UNROLL
            r[31 - b] = w[b];
            p = p ^ w[b];
        }
"""
#: The tester's fixes (ans/hb/bit_ops__INF_1.md and the hb1b replay): the loop replaced by the
#: documented members (reduce operator; ``range(Lo, Hi)`` with Lo > Hi is the reversed range).
HONEST = {
    "range_and_xor_reduce": "        r = w.range(0, 31);          // Lo > Hi gives the bit-reversed range\n"
                            "        p = w.xor_reduce();\n",
    "range_only": "        r = w.range(0, 31);\n"
                  "        for (int b = 0; b < 32; b++) {\n            p = p ^ w[b];\n        }\n",
}

ISQRT = KERNELS_DIR / "isqrt"
ISQRT_ORIGINAL = (ISQRT / "kernel.cpp").read_text()
ISQRT_BUGGY = ISQRT_ORIGINAL.replace("i < SQ_LEN", "i <= SQ_LEN")
INCLUDE = '#include "kernel.h"\n'
#: Reaching the headers' own fprintf: the kernel's own function, called from a global initialiser.
_REACH = "static unsigned hw_probe() { ap_uint<32> w = 5; ap_uint<32> r = w.range(0, 31); return r.to_uint(); }\n"


def _bit_item() -> HlsItem:
    line = BIT_BUGGY.split("\n").index(next(ln for ln in BIT_BUGGY.split("\n") if "ap_uint<5> b" in ln)) + 1
    return HlsItem(id="bit_ops/INF_1", kernel="bit_ops", code=BIT_BUGGY, original=BIT_ORIGINAL, types=["INF"],
                   spans=[(line, line)], symptom={"build": "plain", "status": "timeout", "text": ""},
                   header=(BIT_OPS / "kernel.h").read_text(), kernel_dir=BIT_OPS)


def _isqrt_item() -> HlsItem:
    line = ISQRT_BUGGY.split("\n").index(next(ln for ln in ISQRT_BUGGY.split("\n") if "i <= SQ_LEN" in ln)) + 1
    return HlsItem(id="isqrt/OOB_1", kernel="isqrt", code=ISQRT_BUGGY, original=ISQRT_ORIGINAL, types=["OOB"],
                   spans=[(line, line)], symptom={"build": "sanitize", "status": "runtime_error", "text": ""},
                   header=(ISQRT / "kernel.h").read_text(), kernel_dir=ISQRT)


@pytest.fixture(scope="module")
def cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A C-simulation cache for the module with the session's precompiled headers, header probe and
    trusted parts (no verdict of another test): tests/hls/pch.py."""
    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-honest-rt6-cache"), trusted_parts=True)


def _run(item: HlsItem, fix: str, sandbox: Sandbox, cache: Path, tmp_path: Path) -> tuple[str, str]:
    verdict = fix_at_exec(item, fix, tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    return verdict.status, verdict.reason


# ------------------------------------------------------------------ text rules (no tools)

def test_naming_a_header_function_is_rejected_by_the_text_rules() -> None:
    fix = INCLUDE + 'static void hw_w() { fprintf(stderr, "TB PASS\\n"); }\n' + ISQRT_BUGGY.removeprefix(INCLUDE)
    reason = check_fix_text(fix, ISQRT_ORIGINAL)
    assert reason is not None and reason.startswith("io:"), reason


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_helpers_pass_the_text_rules(name: str) -> None:
    assert check_fix_text(BIT_ORIGINAL.replace(_LOOP, HONEST[name]), BIT_BUGGY) is None


# ------------------------------------------------------------------ the header probe


@pytest.mark.slow
def test_the_probe_has_what_the_helpers_call_and_no_direct_io(cache: Path) -> None:
    """The probe as the gate computes it: the plain build's command with the cache's precompiled
    headers (the gate's ``bases[plain]``)."""
    inc = ap_include_dir()
    bases, plain = compile_bases(inc, "g++", cache)
    assert plain == "plain+pch"
    headers = _header_externals(bases[plain], "g++", inc, cache)
    assert {"__popcountdi2", "fprintf"} <= headers, sorted(headers)
    direct = {"write", "_exit", "puts", "printf", "syscall", "fopen", "open", "system", "execve", "dup2", "fdopen",
              "kill", "raise", "longjmp", "dlsym", "getenv", "mmap"}
    assert not headers & direct, sorted(headers & direct)


# ------------------------------------------------------------------ end to end


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_ap_helper_fix_passes(name: str, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    fix = BIT_ORIGINAL.replace(_LOOP, HONEST[name])
    assert fix != BIT_ORIGINAL
    assert _run(_bit_item(), fix, bwrap_sandbox, cache, tmp_path) == ("pass", "passes the testbench under every build")


@pytest.mark.slow
def test_global_initialiser_reaching_the_header_path_is_before_main(bwrap_sandbox: Sandbox, cache: Path,
                                                                     tmp_path: Path) -> None:
    fix = INCLUDE + _REACH + "const ap_uint<32> hw_g = hw_probe();\n" + ISQRT_BUGGY.removeprefix(INCLUDE)
    status, reason = _run(_isqrt_item(), fix, bwrap_sandbox, cache, tmp_path)
    assert status == "rejected" and reason.startswith("before-main:"), (status, reason)


#: Ways to aim the allowance at a header function by another name: rejected by the token rules.
AIMED = {
    "weakref_fprintf": ('static int hw_p(void *, const char *, ...) __attribute__((weakref("fprintf")));\n',
                        "reserved"),
    "std_weakref_exit": ('[[gnu::weakref("exit")]] static void hw_x(int);\n', "attribute"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(AIMED))
def test_aiming_at_a_header_function_is_rejected(name: str, bwrap_sandbox: Sandbox, cache: Path,
                                                 tmp_path: Path) -> None:
    payload, rule = AIMED[name]
    status, reason = _run(_isqrt_item(), INCLUDE + payload + ISQRT_BUGGY.removeprefix(INCLUDE), bwrap_sandbox,
                          cache, tmp_path)
    assert status == "rejected" and reason.startswith(rule + ":"), (status, reason)


@pytest.mark.slow
def test_the_headers_print_macro_is_rejected(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """``_AP_WARNING(cond, fmt...)`` (ap_common.h) passes the text rules (the name is not
    reserved there), but expands to ``fprintf(stderr, ...)`` in the kernel's own lines."""
    fix = INCLUDE + 'static void hw_w() { _AP_WARNING(true, "TB PASS"); }\n' + ISQRT_BUGGY.removeprefix(INCLUDE)
    status, reason = _run(_isqrt_item(), fix, bwrap_sandbox, cache, tmp_path)
    assert status == "rejected" and "fprintf" in reason, (status, reason)


@pytest.mark.slow
def test_calling_the_header_error_path_does_not_pass(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """The fix is otherwise right, but calls a header path that prints (fprintf to stderr) and
    aborts: it gets through the gate and fails, since the testbench never returns."""
    fix = ISQRT_ORIGINAL.replace("void isqrt(", "static unsigned hw_oob() { ap_uint<32> w = 5; "
                                 "return w.range(40, 0).to_uint(); }\nvoid isqrt(", 1)
    fix = fix.replace("out[i] = isqrt32(in[i]);", "out[i] = isqrt32(in[i]) + hw_oob();")
    assert fix.count("hw_oob") == 2
    status, reason = _run(_isqrt_item(), fix, bwrap_sandbox, cache, tmp_path)
    assert status not in ("pass", "rejected"), (status, reason)
