"""HLS red team round 6 (issue 14): fix text that differs between the integrity gate and the builds.

S6: code under ``#ifdef __SANITIZE_ADDRESS__`` (only the sanitize build defines it) turned the
sanitizer off for an out-of-bounds kernel; S7: ``#if __has_include("hweval_hls_pch.h")`` (true in
every real build, which includes the precompiled ap headers, false in the gate) hid a global
constructor that printed ``TB PASS``, wrote ``0`` on the judge's descriptor 3 and ``_exit(0)``.
The class: the gate read a text that no build compiles. Now the gate preprocesses the fix with
every build's exact command and requires one kernel text (``build-dependent``), and a directive
may not name a reserved (predefined) macro. Every fix runs end to end through ``fix_at_exec``
with the bubblewrap sandbox and the real g++, with a cache (so the precompiled headers are used,
as in every ``hweval run``).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls import objcheck
from harness.families.hls.guard import check_fix_text
from harness.families.hls.items import HlsItem
from harness.families.hls.score import fix_at_exec
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import warm_cache

KERNEL = KERNELS_DIR / "isqrt"
ORIGINAL = (KERNEL / "kernel.cpp").read_text()
BUGGY = ORIGINAL.replace("i < SQ_LEN", "i <= SQ_LEN")  # reads in[SQ_LEN], writes out[SQ_LEN]
INCLUDE = '#include "kernel.h"\n'

#: S6 (the red team's fix, bug kept): only the sanitize build sees the no_sanitize attribute and
#: the uninstrumented byte copies.
S6_FIX = INCLUDE + """#ifdef __SANITIZE_ADDRESS__
#define HW_KEEP __attribute__((no_sanitize("address", "undefined")))
#define HW_CP(d, s) __builtin_memcpy((void *)&(d), (const void *)&(s), sizeof(d))
#else
#define HW_KEEP
#define HW_CP(d, s) ((d) = (s))
#endif
""" + BUGGY.removeprefix(INCLUDE).replace("void isqrt(", "HW_KEEP void isqrt(").replace(
    "out[i] = isqrt32(in[i]);", "ap_uint<32> t; HW_CP(t, in[i]); ap_uint<16> r = isqrt32(t); HW_CP(out[i], r);")

#: S7's payload: a constructor that forges the testbench's and the harness's reports and exits.
FORGE = """static long hw_w(int, const void *, unsigned long) __attribute__((weakref("write")));
static void hw_x(int) __attribute__((weakref("_exit")));
static struct HwGo { HwGo() { hw_w(1, "TB PASS\\n", 8); hw_w(3, "0", 1); hw_x(0); } } hw_go;
"""


def _guarded(condition: str, payload: str = FORGE, other: str = "") -> str:
    """The buggy kernel with ``payload`` under ``#<condition>`` (and ``other`` in its #else)."""
    alt = f"#else\n{other}" if other else ""
    return INCLUDE + f"#{condition}\n{payload}{alt}#endif\n" + BUGGY.removeprefix(INCLUDE)


ATTACKS = {
    # the red team's two findings
    "s6_sanitize_branch": S6_FIX,
    "s7_has_include_pch": _guarded('if __has_include("hweval_hls_pch.h")'),
    # variants: other predefined macros that differ between builds, hidden behind a macro of ours
    "optimize_macro": _guarded("if defined(__OPTIMIZE__) && !defined(__NO_INLINE__)"),
    "flag_through_own_macro": INCLUDE + "#define HW_SAN __SANITIZE_ADDRESS__\n" + _guarded("if HW_SAN").removeprefix(
        INCLUDE),
    # a macro no build predefines but the precompiled ap headers do (hls_stream.h's guard, which
    # isqrt's kernel.h never includes): not reserved, so only the one-text rule can see it
    "pch_header_guard": _guarded("ifdef X_HLS_STREAM_SIM_H"),
    # the gate's own branch does not compile (the old gate then checked nothing)
    "gate_branch_broken": _guarded("ifdef X_HLS_STREAM_SIM_H", other="int hw_broken = ;\n"),
}
#: The rule each attack must be rejected with.
EXPECTED = {name: "build-dependent" for name in ATTACKS}


def _item() -> HlsItem:
    line = BUGGY.split("\n").index(next(ln for ln in BUGGY.split("\n") if "i <= SQ_LEN" in ln)) + 1
    return HlsItem(id="isqrt/OOB_1", kernel="isqrt", code=BUGGY, original=ORIGINAL, types=["OOB"],
                   spans=[(line, line)], symptom={"build": "sanitize", "status": "runtime_error", "text": ""},
                   header=(KERNEL / "kernel.h").read_text(), kernel_dir=KERNEL)


@pytest.fixture(scope="module")
def cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One C-simulation cache for the module with the session's precompiled headers, header probe
    and trusted parts (as a run makes them once; no verdict of another test): tests/hls/pch.py."""
    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-rt6-cache"), trusted_parts=True)


def _run(fix: str, sandbox: Sandbox, cache: Path, tmp_path: Path, gate: bool = True) -> tuple[str, str]:
    verdict = fix_at_exec(_item(), fix, tmp_path, cache=cache, sandbox=sandbox, limits=Limits(), gate=gate)
    return verdict.status, verdict.reason


# ------------------------------------------------------------------ text rule (no tools)


@pytest.mark.parametrize("name", ["s6_sanitize_branch", "s7_has_include_pch", "optimize_macro",
                                  "flag_through_own_macro"])
def test_reserved_name_on_a_directive_is_build_dependent(name: str) -> None:
    reason = check_fix_text(ATTACKS[name], ORIGINAL)
    assert reason is not None and reason.startswith("build-dependent:"), reason


@pytest.mark.parametrize("name", ["pch_header_guard", "gate_branch_broken"])
def test_non_reserved_conditions_pass_the_text_rules(name: str) -> None:
    """These reach the compiled checks (the one-text rule is what stops them)."""
    assert check_fix_text(ATTACKS[name], ORIGINAL) is None


HONEST = {
    "synthesis_guard": ORIGINAL.replace(INCLUDE, INCLUDE + "#ifndef __SYNTHESIS__\n#define HW_CHECKED 1\n#endif\n"),
    "own_macro_conditions": ORIGINAL.replace(INCLUDE, INCLUDE + "#define HW_UNROLL 1\n#if defined(HW_UNROLL) && "
                                             "SQ_LEN > 16 && __cplusplus >= 201402L\n#define HW_STEP 1\n#else\n"
                                             "#define HW_STEP 2\n#endif\n").replace("i++)", "i += HW_STEP)"),
}


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_conditionals_pass_the_text_rules(name: str) -> None:
    assert check_fix_text(HONEST[name], ORIGINAL) is None


# ------------------------------------------------------------------ end to end


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_build_dependent_fix_is_rejected(name: str, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    status, reason = _run(ATTACKS[name], bwrap_sandbox, cache, tmp_path)
    assert status == "rejected", (status, reason)
    assert reason.startswith(EXPECTED[name] + ":"), reason


@pytest.mark.slow
def test_the_forge_fails_even_without_the_gate(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """The forge needs the testbench's descriptor 3 and its ``TB PASS``; since red team 7 the kernel
    runs in a process of its own (harness/families/hls/kernel_link.py), so with the gate off the
    constructor's writes reach only the kernel program's own descriptors, and its ``_exit`` ends
    that program before the first call: the testbench fails (here the pch_header_guard variant,
    which passes the text rules)."""
    status, reason = _run(ATTACKS["pch_header_guard"], bwrap_sandbox, cache, tmp_path, gate=False)
    assert status == "fail" and "kernel process ended" in reason, (status, reason)


@pytest.mark.slow
@pytest.mark.parametrize("payload,rule", [
    (FORGE, "reserved"),
    (FORGE.replace("__attribute__((weakref(\"write\")))", "[[gnu::weakref(\"write\")]]"), "attribute"),
], ids=["attribute", "std-attribute"])
def test_the_payload_in_plain_sight_is_rejected(payload: str, rule: str, bwrap_sandbox: Sandbox, cache: Path,
                                                tmp_path: Path) -> None:
    status, reason = _run(INCLUDE + payload + BUGGY.removeprefix(INCLUDE), bwrap_sandbox, cache, tmp_path)
    assert status == "rejected" and reason.startswith(rule + ":"), (status, reason)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_conditionals_pass(name: str, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    status, reason = _run(HONEST[name], bwrap_sandbox, cache, tmp_path)
    assert status == "pass", (status, reason)


@pytest.mark.slow
def test_the_real_fix_passes_and_the_bug_is_caught(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    assert _run(ORIGINAL + "// fixed\n", bwrap_sandbox, cache, tmp_path / "ok") == (
        "pass", "passes the testbench under every build")
    status, reason = _run(BUGGY + "// unchanged\n", bwrap_sandbox, cache, tmp_path / "bad")
    assert status == "runtime_error" and "AddressSanitizer" in reason, (status, reason)


# ------------------------------------------------------------------ object rules, whatever the spelling


def _object(tmp_path: Path, code: str) -> objcheck.ObjInfo:
    (tmp_path / "o.cpp").write_text(code)
    subprocess.run(["g++", "-std=gnu++14", "-O1", "-c", "o.cpp", "-o", "o.o"], cwd=tmp_path, check=True)
    return objcheck.read_object(tmp_path / "o.o")


@pytest.mark.slow
def test_weakref_and_ifunc_are_seen_in_the_object(tmp_path: Path) -> None:
    """A ``weakref`` to a libc function is an undefined reference (``external``); an ``ifunc``
    resolver runs while the program is loaded (``before-main``), whatever the source spelling."""
    ref = _object(tmp_path, "int f(int x) { return x + 1; }\n")
    runtime = frozenset({"write", "_exit"})
    weak = _object(tmp_path, FORGE.replace("static struct HwGo", "struct HwGo") + "int f(int x) { return x; }\n")
    reason = objcheck.check_object(weak, ref, objcheck.ObjInfo(), runtime)
    assert reason is not None and reason.startswith("before-main:"), reason  # the constructor, first
    weak.sections, weak.init_size = dict(ref.sections), ref.init_size
    reason = objcheck.check_object(weak, ref, objcheck.ObjInfo(), runtime)
    assert reason is not None and reason.startswith("external:") and "`_exit`" in reason, reason
    ifunc = _object(tmp_path, 'static int impl(int x) { return x + 1; }\nextern "C" void *hw_pick() '
                              "{ return (void *)impl; }\nint f(int) __attribute__((ifunc(\"hw_pick\")));\n")
    reason = objcheck.check_object(ifunc, ref, objcheck.ObjInfo(), runtime)
    assert reason is not None and reason.startswith("before-main:") and "indirect function" in reason, reason


def test_the_gate_preprocesses_every_build_csim_runs() -> None:
    """Without a cache csim runs each build without the precompiled headers: the gate's
    commands are exactly those (``build_commands``), one per build."""
    from harness.families.hls.csim import BUILDS, KERNEL_FILE, ap_include_dir, build_commands
    from harness.families.hls.guard import compile_bases

    include = ap_include_dir()
    bases, plain = compile_bases(include, "g++", None)
    assert plain == "plain" and set(bases) == set(BUILDS)
    for build in BUILDS:
        assert [*bases[build], "-c", KERNEL_FILE] == build_commands(build, include=include).compile_kernel[:-2]


@pytest.mark.slow
def test_with_a_cache_the_gate_uses_the_precompiled_header_include(cache: Path) -> None:
    from harness.families.hls.csim import BUILDS, PCH_HEADER, ap_include_dir
    from harness.families.hls.guard import compile_bases

    bases, plain = compile_bases(ap_include_dir(), "g++", cache)
    assert plain == "plain+pch" and set(bases) == {"plain", *(f"{b}+pch" for b in BUILDS)}
    assert all(["-include", PCH_HEADER] == bases[label][-4:-2] for label in bases if label.endswith("+pch"))
