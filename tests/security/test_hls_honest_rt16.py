"""HLS honest answers, round 16 (tester s16): correct fixes refused for their form, and the attacks
each allowance must keep out.

1. The fixed file followed by the original "for comparison": the last full-file block won, so the
   verdict was "the fix does not change the code". With the shown code (``parse_answer(text,
   shown=...)``), a file identical to it is passed over where another file changes it
   (:func:`answer.choose_fix`); of several changed files the last is still the one executed.
2. Fences: ````` ````cpp `````, ```` ```kernel.cpp ````, ``~~~cpp``, ```` ```hlscpp ````... are code
   blocks; a fence closes only with its own character at least as many times (CommonMark).
3. ``#include "ap_fixed.h"`` (and the other public HLS headers, ``scan.HLS_INCLUDES``) added by a fix.
4. ``#define NAME`` before an ``#include``: allowed where the headers preprocess to the same text
   without it in every build (``score.early_macros_rule``); a macro that reaches a header stays
   ``define``, named.
5. The pure bit builtins (``scan.PURE_BUILTINS``: clz, ctz, popcount, parity, bswap, expect) and
   libgcc's helpers for them (``objcheck.LIBGCC_BIT_HELPERS``); every other builtin stays ``reserved``.
6. The pure ``<cmath>`` functions the tester named pass the object check.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls import objcheck, scan
from harness.families.hls.answer import choose_fix, fenced_blocks, parse_answer
from harness.families.hls.guard import check_fix_text
from harness.families.hls.items import HlsItem
from harness.families.hls.score import check_text_rules, fix_at_exec, score_item
from harness.sandbox.base import Limits, Sandbox
from harness.types import Completion, Problem
from tests.hls.pch import warm_cache


def _item(name: str, buggy: str, line: int, typ: str) -> HlsItem:
    original = (KERNELS_DIR / name / "kernel.cpp").read_text()
    assert buggy != original
    return HlsItem(id=f"{name}/rt16", kernel=name, code=buggy, original=original, types=[typ], spans=[(line, line)],
                   symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(KERNELS_DIR / name / "kernel.h").read_text(), kernel_dir=KERNELS_DIR / name)


NORM = (KERNELS_DIR / "normalize16" / "kernel.cpp").read_text()
NORM_BUGGY = NORM.replace("m <<= 1;", "m <<= 0;")
NORM_ITEM = ("normalize16", NORM_BUGGY, 12, "INF")
POP = (KERNELS_DIR / "popcount" / "kernel.cpp").read_text()
POP_BUGGY = POP.replace("v &= v - 1;", "v &= v - 2;")
POP_ITEM = ("popcount", POP_BUGGY, 12, "OP")
BITS = (KERNELS_DIR / "bit_ops" / "kernel.cpp").read_text()
BITS_BUGGY = BITS.replace("p = p ^ w[b];", "p = p | w[b];")
BITS_ITEM = ("bit_ops", BITS_BUGGY, 14, "OP")
QZ = (KERNELS_DIR / "quantize" / "kernel.cpp").read_text()
QZ_BUGGY = QZ.replace("(1 << 9)", "(1 << 8)")
QZ_ITEM = ("quantize", QZ_BUGGY, 8, "CONST")
JSON = '```json\n{"buggy": true, "line": 12, "type": "INF", "fix": null}\n```\n'


def test_the_fixtures_are_real_edits() -> None:
    for fixed, buggy in ((NORM, NORM_BUGGY), (POP, POP_BUGGY), (BITS, BITS_BUGGY), (QZ, QZ_BUGGY)):
        assert fixed != buggy and fixed.count("\n") == buggy.count("\n")


# ------------------------------------------------------------------ 1: the original "for comparison"

#: the tester's form: the fixed file, then the original after it
COMPARISON = (JSON + "The loop never shifts. Fixed kernel.cpp:\n```cpp\n" + NORM + "```\n\nFor comparison, the original:\n"
              "```cpp\n" + NORM_BUGGY + "```\n")


def test_echoed_original_is_not_the_fix() -> None:
    answer = parse_answer(COMPARISON, shown=NORM_BUGGY)
    assert answer is not None and answer.fix == NORM
    assert parse_answer(COMPARISON).fix == NORM_BUGGY  # type: ignore[union-attr]  # without the shown code: the last block
    # the original first, the fix after it (the order of before/after answers): the fix either way
    assert parse_answer(JSON + "```cpp\n" + NORM_BUGGY + "```\n```cpp\n" + NORM + "```\n", shown=NORM_BUGGY).fix == NORM  # type: ignore[union-attr]
    # the echo reindented or with the prompt's line numbers is the same code
    numbered = "\n".join(f"{i:>3} | {ln}" for i, ln in enumerate(NORM_BUGGY.rstrip("\n").split("\n"), 1))
    assert parse_answer(COMPARISON.replace(NORM_BUGGY, numbered + "\n"), shown=NORM_BUGGY).fix == NORM  # type: ignore[union-attr]


def test_several_changed_files_keep_the_last() -> None:
    """An answer never gets more than one fix run: of two different changed files the last is the
    fix (as before), whatever else it holds; an unchanged file alone stays the fix (no change)."""
    wrong = NORM_BUGGY.replace("e--;", "e -= 2;")
    assert choose_fix([NORM, wrong], NORM_BUGGY) == wrong
    assert choose_fix([NORM, wrong, NORM_BUGGY], NORM_BUGGY) == wrong
    assert choose_fix([wrong, NORM_BUGGY, NORM], NORM_BUGGY) == NORM
    assert choose_fix([NORM_BUGGY], NORM_BUGGY) == NORM_BUGGY
    assert choose_fix([NORM_BUGGY, NORM_BUGGY + "\n"], NORM_BUGGY) == NORM_BUGGY + "\n"
    assert choose_fix([], NORM_BUGGY) is None


def test_the_json_fix_field_still_comes_first() -> None:
    blob = NORM.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = '{"buggy": true, "line": 12, "type": "INF", "fix": "' + blob + '"}\n```cpp\n' + NORM_BUGGY + "```\n"
    assert parse_answer(text, shown=NORM_BUGGY).fix == NORM  # type: ignore[union-attr]


def test_a_control_echoed_twice_is_still_no_change(tmp_path: Path) -> None:
    """On a control, two copies of the shown code are no change: the answer's own ``buggy`` field decides."""
    item = HlsItem(id="normalize16/control", kernel="normalize16", code=NORM, original=NORM)
    text = '{"buggy": false, "line": null, "type": null}\n```cpp\n' + NORM + "```\n```cpp\n" + NORM + "```\n"
    s = score_item(item, parse_answer(text, shown=NORM), tmp_path)
    assert (s.detection, s.status) == ("tn", "pass")


# ------------------------------------------------------------------ 2: fences

FENCES = {
    "four_backticks": ("````cpp", "````"),
    "file_name": ("```kernel.cpp", "```"),
    "file_name_spaced": ("``` kernel.cpp", "```"),
    "tildes": ("~~~cpp", "~~~"),
    "four_tildes": ("~~~~cpp", "~~~~~"),
    "hlscpp": ("```hlscpp", "```"),
    "c": ("```c", "```"),
    "cc": ("```cc", "```"),
    "cxx": ("```cxx", "```"),
    "h": ("```h", "```"),
    "c++_upper": ("```C++", "```"),
    "longer_close": ("```cpp", "`````"),
}


def _fenced(name: str, code: str) -> str:
    open_, close = FENCES[name]
    return JSON + "Fixed:\n" + open_ + "\n" + code + close + "\n\nThe shift was missing.\n"


@pytest.mark.parametrize("name", sorted(FENCES))
def test_fence_forms_give_the_file(name: str) -> None:
    answer = parse_answer(_fenced(name, NORM), shown=NORM_BUGGY)
    assert answer is not None and answer.fix == NORM and (answer.buggy, answer.line) == (True, 12)


def test_a_four_backtick_block_holds_a_three_backtick_line() -> None:
    body = "int a = 1;\n```\nint b = 2;\n"
    blocks, outside = fenced_blocks("````cpp\n" + body + "````\nafter\n")
    assert blocks == [("cpp", body)] and "after" in outside and "int a" not in outside


def test_fences_do_not_close_on_another_character_or_a_shorter_run() -> None:
    assert fenced_blocks("~~~cpp\nint a;\n```\nint b;\n~~~\n")[0] == [("cpp", "int a;\n```\nint b;\n")]
    assert fenced_blocks("```cpp\nint a;\n~~~\nint b;\n```\n")[0] == [("cpp", "int a;\n~~~\nint b;\n")]
    assert fenced_blocks("````cpp\nint a;\n```\n")[0] == [("cpp", "int a;\n```\n")]  # never closed: to the end
    assert fenced_blocks("```json {\"a\": 1}```\n")[0] == []  # a backtick info string holds no backtick


#: The attack the CommonMark rule keeps out: a four-backtick fence cut short by a three-backtick
#: line would run only the code before it; never closed, the block runs to the end of the answer.
UNTERMINATED = JSON + "````cpp\n" + NORM + "```\nThe loop above is the fix; the rest of the file is unchanged.\n"


def test_unterminated_four_backtick_fence_runs_to_the_end() -> None:
    answer = parse_answer(UNTERMINATED, shown=NORM_BUGGY)
    assert answer is not None and answer.fix is not None and answer.fix != NORM
    assert answer.fix.startswith(NORM) and "```" in answer.fix and "rest of the file" in answer.fix


def test_other_info_strings_are_not_code() -> None:
    for info in ("python", "text", "kernel.py", "json", "diff", "tb.cpp.txt"):
        assert parse_answer(JSON + f"```{info}\n" + NORM + "```\n").fix is None, info  # type: ignore[union-attr]


# ------------------------------------------------------------------ 3: HLS headers

HLS_HEADERS = ['"ap_fixed.h"', "<ap_fixed.h>", '"ap_int.h"', "<ap_int.h>", '"hls_stream.h"', "<hls_stream.h>",
               '"hls_math.h"', "<hls_math.h>"]


def _with_include(code: str, header: str) -> str:
    return code.replace('#include "kernel.h"\n', f'#include "kernel.h"\n#include {header}\n', 1)


@pytest.mark.parametrize("header", HLS_HEADERS)
def test_hls_headers_pass_the_text_rules(header: str) -> None:
    fix = _with_include(NORM, header)
    assert check_fix_text(fix, NORM) is None and check_text_rules(fix, NORM) is None


NOT_HLS = ['"ap_common.h"', '"etc/ap_private.h"', "<etc/ap_private.h>", '"ap_int_base.h"', '"hls_half.h"',
           '"x_hls_utils.h"', '"utils/x_hls_utils.h"', '"ap_shift_reg.h"', '"tb.cpp"', "<cstdio>", "<iostream>",
           '"../kernel.h"', '"./ap_int.h"', '"ap_int.h" extra', '"ap_fixed.h>', "<ap_fixed.h\">", "AP_FIXED_H"]


@pytest.mark.parametrize("header", NOT_HLS)
def test_other_headers_stay_refused(header: str) -> None:
    reason = check_text_rules(_with_include(NORM, header), NORM)
    assert reason is not None and reason.startswith("include:"), (header, reason)


# ------------------------------------------------------------------ 4: macros before an include

#: a kernel's own constant defined above its includes
NORM_DEFINE_TOP = "#define NM_MSB 15\n" + NORM.replace("m[15] == 0", "m[NM_MSB] == 0")
#: a constant, then a header added for the fix
NORM_DEFINE_MID = NORM.replace('#include "kernel.h"\n', '#include "kernel.h"\n#define NM_MSB 15\n#include <climits>\n'
                               ).replace("m[15] == 0", "m[NM_MSB] == 0")


def test_macro_before_include_is_left_to_the_preprocessing_rule() -> None:
    for fix in (NORM_DEFINE_TOP, NORM_DEFINE_MID):
        assert check_text_rules(fix, NORM, macros_checked=True) is None
        reason = check_fix_text(fix, NORM)  # the text rules alone still refuse it (no preprocessing)
        assert reason is not None and reason.startswith("define:")
    assert scan.early_macros(NORM_DEFINE_MID) == [("define", "NM_MSB")]
    moved = scan.without_early_macros(NORM_DEFINE_MID)
    assert "NM_MSB 15" not in moved and moved.count("\n") == NORM_DEFINE_MID.count("\n")


def test_early_macros_are_found_as_the_compiler_reads_them() -> None:
    """A directive behind a comment, a splice or a form feed is one the compiler obeys: it is early too."""
    for text in ("/**/#define X 1\n#include <cmath>\n", "#def\\\nine X 1\n#include <cmath>\n",
                 "\f#define X 1\n#include <cmath>\n", "#undef X\n#include <cmath>\n"):
        assert [n for _, n in scan.early_macros(text)] == ["X"], text
        assert "X" not in scan.without_early_macros(text), text
    assert scan.early_macros('#include <cmath>\n#define X 1\n// #define Y 1\n') == []


def test_keywords_and_reserved_names_stay_refused_before_an_include() -> None:
    for name in ("private", "class", "_AP_W", "__cplusplus", "__SANITIZE_ADDRESS__"):
        fix = f"#define {name} x\n" + NORM
        reason = check_text_rules(fix, NORM, macros_checked=True)
        assert reason is not None and reason.startswith(("define:", "build-dependent:")), (name, reason)


# ------------------------------------------------------------------ 5: pure builtins

#: normalize16 fixed with the leading one found by __builtin_clz
NORM_CLZ = NORM.replace("""            while (m[15] == 0) {
#pragma HLS LOOP_TRIPCOUNT min=0 max=15
                m <<= 1;
                e--;
            }
""", """            int lead = 31 - __builtin_clz(m.to_uint());  // index of the leading one (m != 0 here)
            m <<= (15 - lead);
            e = lead;
""")
#: popcount fixed with __builtin_popcount
POP_BUILTIN = POP.replace("""        ap_uint<6> c = 0;
        while (v != 0) {
#pragma HLS LOOP_TRIPCOUNT min=0 max=32
            v &= v - 1;
            c++;
        }
""", """        ap_uint<6> c = __builtin_popcount(v.to_uint());
""")
#: bit_ops fixed, with a helper of its own that uses every listed builtin (compiled, not called)
BITS_ALL_BUILTINS = BITS + """
int hw_bit_helpers(unsigned x, unsigned long y, unsigned long long z) {
    int s = __builtin_clz(x | 1) + __builtin_clzl(y | 1) + __builtin_clzll(z | 1) + __builtin_ctz(x | 1);
    s += __builtin_ctzl(y | 1) + __builtin_ctzll(z | 1) + __builtin_popcount(x) + __builtin_popcountl(y);
    s += __builtin_popcountll(z) + __builtin_parity(x) + __builtin_parityl(y) + __builtin_parityll(z);
    s += __builtin_bswap16((unsigned short)x) + (int)__builtin_bswap32(x) + (int)__builtin_bswap64(z);
    return __builtin_expect(s, 0);
}
"""


@pytest.mark.parametrize("name", sorted(scan.PURE_BUILTINS))
def test_pure_builtins_pass_the_token_rule(name: str) -> None:
    assert scan.check_tokens(f"int f(unsigned x) {{ return (int){name}(x{', 0' if 'expect' in name else ''}); }}\n",
                             set()) is None


REFUSED_BUILTINS = ["__builtin_frame_address", "__builtin_return_address", "__builtin_extract_return_addr",
                    "__builtin_trap", "__builtin_unreachable", "__builtin_memcpy", "__builtin_memset",
                    "__builtin_alloca", "__builtin_apply", "__builtin_apply_args", "__builtin_longjmp",
                    "__builtin_setjmp", "__builtin_expect_with_probability", "__builtin_ffs", "__builtin_clrsb",
                    "__builtin_prefetch", "__builtin_ia32_rdtsc", "__builtin_clzs", "__builtin_popcountg",
                    "__builtin_bswap128", "__builtin___clear_cache", "__builtin_speculation_safe_value"]


@pytest.mark.parametrize("name", REFUSED_BUILTINS)
def test_other_builtins_stay_reserved(name: str) -> None:
    reason = scan.check_tokens(f"void f() {{ {name}(0); }}\n", set())
    assert reason is not None and reason.startswith("reserved:") and name in reason, reason
    for other in ("__attribute__", "__asm__", "__declspec"):
        reason = scan.check_tokens(f"int {other}; int g() {{ return __builtin_clz(1); }}\n", set())
        assert reason is not None and reason.startswith("reserved:") and other in reason


def test_libgcc_bit_helpers_are_safe_and_nothing_else_of_libgcc() -> None:
    assert {"__popcountdi2", "__popcountsi2", "__paritydi2", "__clzdi2", "__ctzdi2", "__bswapsi2",
            "__bswapdi2"} <= objcheck.SAFE_EXTERNALS
    for name in ("__divdi3", "__ffsdi2", "__clear_cache", "__enable_execute_stack", "__gcc_personality_v0",
                 "_Unwind_Backtrace", "__register_frame_info", "__deregister_frame_info"):
        assert name not in objcheck.SAFE_EXTERNALS


# ------------------------------------------------------------------ 6: pure <cmath> functions

TESTER_MATH = ("ilogb", "llround", "lround", "fma", "scalbn", "ldexp", "frexp", "copysign", "nearbyint", "rint",
               "trunc", "round")


@pytest.mark.parametrize("name", TESTER_MATH)
def test_tester_math_functions_are_safe_in_every_form(name: str) -> None:
    assert {name, f"{name}f", f"{name}l"} <= objcheck.SAFE_EXTERNALS


#: quantize fixed, with a helper of its own that calls each of the tester's functions (compiled, not called)
QZ_ALL_MATH = QZ.replace('#include "kernel.h"\n', '#include "kernel.h"\n#include <cmath>\n') + """
double hw_math_helpers(double x, float y, long double z, int *e) {
    double s = std::ilogb(x) + std::llround(x) + std::lround(y) + std::fma(x, x, x) + std::scalbn(x, 2);
    s += std::ldexp(y, 3) + std::frexp(x, e) + std::copysign(x, -1.0) + std::nearbyint(y) + std::rint(x);
    s += std::trunc(y) + std::round(x) + (double)(std::round(z) + std::trunc(z) + std::frexp(z, e));
    return s;
}
"""


# ------------------------------------------------------------------ end to end (gate, sandbox, testbench)

@pytest.fixture(scope="module")
def cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-honest-rt16-cache"), trusted_parts=True)


def _run(case: tuple[str, str, int, str], fix: str | None, sandbox: Sandbox, cache: Path,
         tmp_path: Path) -> tuple[str, str]:
    verdict = fix_at_exec(_item(*case), fix, tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    return verdict.status, verdict.reason


def _score(case: tuple[str, str, int, str], text: str, sandbox: Sandbox, cache: Path, tmp_path: Path) -> tuple[str, str]:
    item = _item(*case)
    s = score_item(item, parse_answer(text, shown=item.code), tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    return s.status, s.fix.reason if s.fix else s.detection


#: honest answers, one per form (whole answers through the parser where the form is the answer's)
HONEST_ANSWERS = {
    "comparison_block": (NORM_ITEM, COMPARISON),
    **{f"fence_{name}": (NORM_ITEM, _fenced(name, NORM)) for name in ("four_backticks", "file_name", "tildes",
                                                                      "hlscpp", "cxx")},
}
def _header_case(header: str) -> str:
    return header.strip('<>"').replace(".", "_") + ("_quoted" if header.startswith('"') else "_angle")


HONEST_FIXES = {
    **{f"include_{_header_case(h)}": (NORM_ITEM, _with_include(NORM, h)) for h in HLS_HEADERS},
    "define_top": (NORM_ITEM, NORM_DEFINE_TOP),
    "define_between_includes": (NORM_ITEM, NORM_DEFINE_MID),
    "builtin_clz": (NORM_ITEM, NORM_CLZ),
    "builtin_popcount": (POP_ITEM, POP_BUILTIN),
    "builtins_all_listed": (BITS_ITEM, BITS_ALL_BUILTINS),
    "cmath_tester_functions": (QZ_ITEM, QZ_ALL_MATH),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HONEST_ANSWERS))
def test_honest_answer_passes(name: str, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    case, text = HONEST_ANSWERS[name]
    status, reason = _score(case, text, bwrap_sandbox, cache, tmp_path)
    assert status == "pass", (status, reason)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HONEST_FIXES))
def test_honest_fix_passes(name: str, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    case, fix = HONEST_FIXES[name]
    status, reason = _run(case, fix, bwrap_sandbox, cache, tmp_path)
    assert status == "pass", (status, reason)


#: the attacks each allowance must keep out: (case, fix, the status, the start of the reason)
ATTACKS = {
    # 4: a macro that reaches a header, named
    "define_ap_int_max_w": (NORM_ITEM, "#define AP_INT_MAX_W 4096\n" + NORM, "rejected", "define: `#define AP_INT_MAX_W`"),
    "define_private_public": (NORM_ITEM, "#define private public\n" + NORM, "rejected", "define: #define of `private`"),
    "define_header_type": (NORM_ITEM, "#define ap_uint ap_int\n" + NORM, "rejected", "define: `#define ap_uint`"),
    "define_ndebug": (NORM_ITEM, "#define NDEBUG 1\n" + NORM, "rejected", "define: `#define NDEBUG`"),
    "define_max_before_algorithm": (NORM_ITEM, NORM.replace('#include "kernel.h"\n', '#include "kernel.h"\n'
                                                            '#define max min\n#include <algorithm>\n'),
                                    "rejected", "define: `#define max`"),
    "define_kernel_header_name": (POP_ITEM, "#define word_t ap_uint<31>\n" + POP, "rejected", "define: `#define word_t`"),
    # 5: builtins outside the list
    "builtin_frame_address": (NORM_ITEM, NORM.replace("ap_int<6> e = 15;", "ap_int<6> e = 15 + 0 * (long)__builtin_frame_address(0);"),
                              "rejected", "reserved: `__builtin_frame_address`"),
    "builtin_trap": (NORM_ITEM, NORM.replace("e = -1;", "e = -1; if (i > 99) __builtin_trap();"), "rejected",
                     "reserved: `__builtin_trap`"),
    "builtin_memcpy": (NORM_ITEM, NORM.replace("mant[i] = m;", "__builtin_memcpy(&mant[i], &m, sizeof m);"), "rejected",
                       "reserved: `__builtin_memcpy`"),
    # 3: a header of the include folder that is not a public HLS header
    "include_ap_common": (NORM_ITEM, _with_include(NORM, '"ap_common.h"'), "rejected", "include:"),
    "include_cstdio": (NORM_ITEM, _with_include(NORM, "<cstdio>"), "rejected", "include:"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_refused(name: str, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    case, fix, want, reason_start = ATTACKS[name]
    status, reason = _run(case, fix, bwrap_sandbox, cache, tmp_path)
    assert status == want and reason.startswith(reason_start), (status, reason)


@pytest.mark.slow
def test_a_wrong_fix_beside_a_right_one_is_what_runs(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """1: a changed file cannot hide behind another: the right fix first, a wrong one after it, and the
    original last: the wrong one (the last changed file) is executed and fails."""
    wrong = NORM_BUGGY.replace("m <<= 0;", "m <<= 2;")
    text = JSON + "```cpp\n" + NORM + "```\n```cpp\n" + wrong + "```\nOriginal:\n```cpp\n" + NORM_BUGGY + "```\n"
    assert parse_answer(text, shown=NORM_BUGGY).fix == wrong  # type: ignore[union-attr]
    status, reason = _score(NORM_ITEM, text, bwrap_sandbox, cache, tmp_path)
    assert status in ("fail", "timeout", "runtime_error"), (status, reason)


@pytest.mark.slow
def test_unterminated_four_backtick_fence_does_not_pass(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    status, reason = _score(NORM_ITEM, UNTERMINATED, bwrap_sandbox, cache, tmp_path)
    assert status != "pass" and status in ("syntax_error", "rejected"), (status, reason)


def test_the_suites_extract_passes_over_the_echoed_original() -> None:
    from benchmarks.hls_bugs import HlsBugsSuite

    suite = object.__new__(HlsBugsSuite)
    problem = Problem(suite="hls-bugs", id="normalize16/INF_1", reference=NORM, data={"code": NORM_BUGGY})
    candidate = suite.extract(problem, Completion(suite="hls-bugs", problem_id=problem.id, sample_idx=0,
                                                  completion=COMPARISON))
    assert candidate is not None and candidate.code == NORM
