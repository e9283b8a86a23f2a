"""HLS honest answers, round 15 (tester s15/honh): correct fixes and answers that were refused.

a. ``ap_fixed::to_double()``/``to_float()``/``(double)x`` were ``external: fegetround``: those
   conversions are members of ``ap_fixed_base``, which the header probe never instantiated
   (``template class ap_fixed<...>`` leaves base members alone). ``objcheck.MEMBER_PROBE`` now
   instantiates the base and the bit/range proxies; functions that change the floating-point
   environment (``fesetround``, ``feholdexcept``...) stay refused.
b. ``<cmath>`` functions the prompt allows (``ilogb``, ``llround``, ``fma``, ``scalbn``...) were
   not in ``objcheck.SAFE_EXTERNALS``.
c. A local ``bool signal`` was ``io: signal``: a variable of the fix's own may now have that name
   (``integrity.OWN_NAME_OK``); a call, a qualified name or the bare library function stay ``io``.
d. The prompt's own descriptions of the bug codes ("wrong shift", "buffer misuse"...) were not read
   as their codes.
e. The prompt never said that fixes are compiled as ``-std=gnu++14`` (``std::clamp`` was a
   ``syntax_error``).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from benchmarks.hls_hard import KERNELS_DIR as HARD_DIR
from benchmarks.hls_hard import build_hard_prompt
from harness.families.hls import integrity, objcheck, scan
from harness.families.hls.csim import COMMON_FLAGS, ap_include_dir
from harness.families.hls.guard import _header_externals, check_fix_text, compile_bases
from harness.families.hls.items import HlsItem
from harness.families.hls.prompt import build_prompt, type_list
from harness.families.hls.score import fix_at_exec
from harness.families.hls.taxonomy import BUG_TYPES, normalize_type
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import warm_cache


def _item(root: Path, name: str, buggy: str, line: int, typ: str) -> HlsItem:
    original = (root / name / "kernel.cpp").read_text()
    assert buggy != original
    return HlsItem(id=f"{name}/rt15", kernel=name, code=buggy, original=original, types=[typ], spans=[(line, line)],
                   symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(root / name / "kernel.h").read_text(), kernel_dir=root / name)


QZ = (KERNELS_DIR / "quantize" / "kernel.cpp").read_text()
QZ_BUGGY = QZ.replace("(1 << 9)", "(1 << 8)")
#: hls-bugs_2 quantize/CONST_1: the rounding done in double through to_double()
QZ_DOUBLE = QZ.replace('#include "kernel.h"\n', '#include "kernel.h"\n#include <cmath>\n').replace(
    """        ap_int<16> raw = in[i].range(15, 0);
        ap_int<24> scaled = ap_int<24>(raw) << shift;
        ap_int<24> rounded = (scaled + (1 << 9)) >> 10;
""", """        // round half up of in * 2^shift, computed in floating point (exact for these widths)
        double scaled = std::floor(in[i].to_double() * (1 << shift) + 0.5);
        ap_int<24> rounded = (int)scaled;
""")
NORM = (KERNELS_DIR / "normalize16" / "kernel.cpp").read_text()
NORM_BUGGY = NORM.replace("m <<= 1;", "m <<= 0;")
#: hls-bugs_c2 normalize16/INF_1: the leading one found with std::ilogb
NORM_ILOGB = NORM.replace('#include "kernel.h"\n', '#include "kernel.h"\n#include <cmath>\n').replace(
    """            while (m[15] == 0) {
#pragma HLS LOOP_TRIPCOUNT min=0 max=15
                m <<= 1;
                e--;
            }
""", """            int lead = std::ilogb(double(m.to_uint()));  // index of the leading one (exact for integers)
            m <<= (15 - lead);
            e = lead;
""")
SR = (KERNELS_DIR / "safe_ratio" / "kernel.cpp").read_text()
#: hls-bugs_2 safe_ratio/ZERO_1: a local flag named signal
SR_SIGNAL = SR.replace("        if (d == 0) {\n", "        bool signal = (d == 0);  // flag a zero denominator\n"
                       "        if (signal) {\n")
GR = (HARD_DIR / "gain_round" / "kernel.cpp").read_text()
GR_BUGGY = GR.replace("ap_fixed<28, 8> p", "ap_fixed<24, 8, AP_RND> p")
#: hls-hard_d0 gain_round/a: exact in double, one rounding to y_t
GR_DOUBLE = GR.replace("""        ap_fixed<28, 8> p = x[i] * g;
        ap_fixed<29, 9> s = p + b;
""", """        // x * g + b is exact in double (28 significant bits); y_t rounds once (ties to even) and saturates
        double s = x[i].to_double() * g.to_double() + b.to_double();
""")


def test_the_fixtures_are_the_testers_edits() -> None:
    for fix, orig in ((QZ_DOUBLE, QZ), (NORM_ILOGB, NORM), (SR_SIGNAL, SR), (GR_DOUBLE, GR)):
        assert fix != orig
    assert NORM_BUGGY != NORM and SR.count("if (d == 0) {") == 1


# ------------------------------------------------------------------ b: the math functions

PURE_MATH = ("ilogb", "llround", "fma", "scalbn", "lround", "lrint", "llrint", "nearbyint", "remainder", "fmin",
             "fmax", "cbrt", "hypot", "expm1", "log1p", "frexp", "ldexp", "modf", "trunc", "round", "copysign",
             "nextafter", "fdim", "logb", "remquo", "scalbln", "tgamma", "asinh", "sincos")


@pytest.mark.parametrize("name", PURE_MATH)
def test_pure_cmath_functions_are_safe_in_every_form(name: str) -> None:
    assert {name, f"{name}f", f"{name}l"} <= objcheck.SAFE_EXTERNALS


@pytest.mark.parametrize("name", ["fesetround", "feholdexcept", "fesetenv", "feupdateenv", "feclearexcept",
                                  "feraiseexcept", "fesetexceptflag", "feenableexcept", "fedisableexcept",
                                  "lgamma", "signgam", "fegetround"])
def test_environment_changing_functions_are_not_listed(name: str) -> None:
    """fegetround is no listed math function either: it is allowed only as the headers' own call
    (the probe), which reads the rounding mode and changes nothing."""
    assert name not in objcheck.SAFE_EXTERNALS


def _check(undefined: list[str], headers: frozenset[str] = frozenset()) -> str | None:
    ref = objcheck.ObjInfo(undefined=["memcpy"])
    return objcheck.check_object(objcheck.ObjInfo(undefined=undefined), ref, objcheck.ObjInfo(), frozenset(),
                                 headers)


def test_object_rule_allows_ilogb_and_the_headers_fegetround_not_fesetround() -> None:
    assert _check(["ilogb", "llround", "fma", "scalbn"]) is None
    assert _check(["fegetround"], frozenset({"fegetround"})) is None
    reason = _check(["fesetround"], frozenset({"fegetround"}))
    assert reason is not None and reason.startswith("external:") and "fesetround" in reason
    reason = _check(["fegetround"])  # without the probe's allowance
    assert reason is not None and "fegetround" in reason


def test_member_probe_instantiates_the_base_conversions() -> None:
    assert "template struct ap_fixed_base<" in objcheck.MEMBER_PROBE
    assert "ap_range_ref" in objcheck.MEMBER_PROBE and "af_bit_ref" in objcheck.MEMBER_PROBE
    assert "fesetround" not in objcheck.MEMBER_PROBE and "fegetround" not in objcheck.MEMBER_PROBE


# ------------------------------------------------------------------ c: a variable named signal

def test_local_named_signal_passes_the_text_rules() -> None:
    assert check_fix_text(SR_SIGNAL, SR) is None
    assert integrity.check_fix(SR_SIGNAL) is None
    for decl in ("ap_uint<1> signal = 0;", "int signal[4];", "bool signal{false};", "int *signal = 0;"):
        assert integrity.check_fix(f"void f() {{ {decl} }}\n") is None, decl
    assert integrity.check_fix("void f(bool signal) { if (signal) return; }\n") is None
    assert integrity.check_fix("struct S { int signal; };\nint g(S s) { return s.signal; }\n") is None


REFUSED_SIGNAL = {
    "call": "void f() { signal(2, 0); }\n",
    "std_call": "void f() { std::signal(2, 0); }\n",
    "global_call": "void f() { ::signal(2, 0); }\n",
    "pointer": "void f() { auto p = signal; }\n",
    "address": "void f() { auto p = &signal; }\n",
    "local_and_call": "void f() { bool signal = true; }\nvoid g() { signal(2, 0); }\n",
    "local_and_qualified": "void f() { bool signal = true; auto p = ::signal; }\n",
    "builtin": "void f() { __builtin_signal(2, 0); }\n",
    "direct_init": "void f() { bool signal(true); }\n",
    "kill_call": "void f() { int kill = 0; kill(1, 9); }\n",
    "exit_local": "void f() { bool exit = false; }\n",  # exit is reached by the headers: banned outright
    "abort_local": "void f() { int abort = 0; }\n",
}


@pytest.mark.parametrize("name", sorted(REFUSED_SIGNAL))
def test_library_signal_and_header_reached_names_stay_refused(name: str) -> None:
    reason = integrity.check_fix(REFUSED_SIGNAL[name])
    assert reason is not None and reason.startswith("io:"), (name, reason)


@pytest.mark.parametrize("name", sorted(REFUSED_SIGNAL))
def test_token_rule_agrees(name: str) -> None:
    code = REFUSED_SIGNAL[name]
    reason = scan.check_tokens(code, set())
    if name == "builtin":  # a reserved name first
        assert reason is not None and reason.startswith("reserved:"), reason
    else:
        assert reason is not None and reason.startswith("io:"), (name, reason)


def test_token_rule_allows_the_local() -> None:
    assert scan.check_tokens("void f(int d) {\n  bool signal = (d == 0);\n  if (signal) return;\n}\n", set()) is None


# ------------------------------------------------------------------ d: the prompt's type descriptions

def _prompt_descriptions() -> dict[str, str]:
    lines = type_list(BUG_TYPES).split("\n")
    return {ln[2:].split(":", 1)[0]: ln.split(": ", 1)[1] for ln in lines}


@pytest.mark.parametrize("code", sorted(BUG_TYPES))
def test_every_prompt_description_maps_back_to_its_code(code: str) -> None:
    text = _prompt_descriptions()[code]
    short = text.split(" (")[0]
    forms = [text, short, short.upper(), short.title(), short.capitalize(), short + ".", f"`{short}`", f"**{short}**",
             f'"{short}"', short.replace(" ", "-"), short.replace(" ", "_"), short + "s", f"{code}: {short}",
             f"{code} ({short})", f"{code} - {short}", code.lower(), f"`{code}`", f"**{code}**"]
    for form in forms:
        assert normalize_type(form) == code, (form, normalize_type(form))


def test_named_variants() -> None:
    for form, code in {"Sign/width misuse": "USE", "missing initialization": "INIT", "Wrong loop bounds": "MLU",
                       "division/zero handling": "ZERO", "Operator swaps": "OP", "out of bounds": "OOB",
                       "Division by zero": "ZERO", "uninitialized variable": "INIT"}.items():
        assert normalize_type(form) == code, form


def test_descriptions_do_not_cross_codes_and_unknown_types_stay_unknown() -> None:
    descs = _prompt_descriptions()
    for code, text in descs.items():
        for other in descs:
            if other != code:
                assert normalize_type(text.split(" (")[0]) != other
    for form in ("wrong pragma", "timing", "race condition", "overflow", "off-by-one"):
        assert normalize_type(form) not in BUG_TYPES, form


# ------------------------------------------------------------------ e: the language standard

def test_prompts_state_the_language_standard() -> None:
    std = next(f for f in COMMON_FLAGS if f.startswith("-std="))
    assert std == "-std=gnu++14"
    qz = _item(KERNELS_DIR, "quantize", QZ_BUGGY, 8, "CONST")
    gr = _item(HARD_DIR, "gain_round", GR_BUGGY, 6, "USE")
    for prompt in (build_prompt(qz), build_hard_prompt(gr)):
        assert std in prompt and "C++14" in prompt and "std::clamp" in prompt and "if constexpr" in prompt


# ------------------------------------------------------------------ end to end (gate, sandbox, testbench)

@pytest.fixture(scope="module")
def cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-honest-rt15-cache"), trusted_parts=True)


@pytest.mark.slow
def test_the_probe_has_fegetround_and_no_environment_setter(cache: Path) -> None:
    inc = ap_include_dir()
    bases, plain = compile_bases(inc, "g++", cache)
    headers = _header_externals(bases[plain], "g++", inc, cache)
    assert "fegetround" in headers and {"__popcountdi2", "fprintf"} <= headers, sorted(headers)
    setters = {"fesetround", "feholdexcept", "fesetenv", "feupdateenv", "feclearexcept", "feraiseexcept",
               "fesetexceptflag", "feenableexcept", "signal", "kill", "raise", "system", "clone"}
    assert not headers & setters, sorted(headers & setters)


HONEST = {
    "quantize_to_double": (KERNELS_DIR, "quantize", QZ_BUGGY, 8, "CONST", QZ_DOUBLE),
    "normalize16_ilogb": (KERNELS_DIR, "normalize16", NORM_BUGGY, 13, "INF", NORM_ILOGB),
    "safe_ratio_signal": (KERNELS_DIR, "safe_ratio", SR.replace("if (d == 0) {", "if (d == 1) {"), 10, "ZERO",
                          SR_SIGNAL),
    "gain_round_to_double": (HARD_DIR, "gain_round", GR_BUGGY, 6, "USE", GR_DOUBLE),
}


def _run(case: tuple[Path, str, str, int, str, str], fix: str, sandbox: Sandbox, cache: Path,
         tmp_path: Path) -> tuple[str, str]:
    root, name, buggy, line, typ, _ = case
    verdict = fix_at_exec(_item(root, name, buggy, line, typ), fix, tmp_path, cache=cache, sandbox=sandbox,
                          limits=Limits())
    return verdict.status, verdict.reason


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_fix_passes(name: str, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    status, reason = _run(HONEST[name], HONEST[name][5], bwrap_sandbox, cache, tmp_path)
    assert status == "pass", (status, reason)


#: The nearest wrong forms: a fix that changes the floating-point environment itself.
ENV_CHANGING = {
    "fesetround": "std::fesetround(FE_UPWARD);",
    "feholdexcept": "std::fenv_t hw_env; std::feholdexcept(&hw_env);",
    "fesetenv": "std::fesetenv(FE_DFL_ENV);",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ENV_CHANGING))
def test_changing_the_fp_environment_is_rejected(name: str, bwrap_sandbox: Sandbox, cache: Path,
                                                 tmp_path: Path) -> None:
    case = HONEST["quantize_to_double"]
    fix = QZ_DOUBLE.replace("    for (int i = 0; i < QZ_LEN; i++) {\n",
                            f"    {ENV_CHANGING[name]}\n    for (int i = 0; i < QZ_LEN; i++) {{\n", 1)
    assert fix != QZ_DOUBLE
    status, reason = _run(case, fix, bwrap_sandbox, cache, tmp_path)
    assert status == "rejected" and reason.startswith("external:") and name in reason, (status, reason)
