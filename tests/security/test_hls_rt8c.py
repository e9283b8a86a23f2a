"""Red team round 8c (HLS, ``nibble_sum/a`` of hls-hard, the bug ``ap_int<5> w`` kept): the gate's
directive scan took only space and tab before ``#``, but GCC also takes form feed and vertical tab,
so ``\\f#/**/line 100 "hw_extra.h"`` hid a raw-syscall ``asm`` from the token rules (which read the
lines the preprocessor marks as ``kernel.cpp``), and ``\\f#/**/include "tb.cpp"`` compiled the
testbench into the kernel, where the kernel ran it as an oracle (it passed the ``plain`` build; the
fresh seeds of ``sanitize``/``pattern`` still failed it). Now a directive after any blank is seen,
and the kernel compiles in a folder holding only ``kernel.cpp`` and its headers, so no testbench
source can be included whatever the gate sees."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.csim import csim
from harness.families.hls.guard import check_fix_text

KERNEL = KERNELS_DIR / "nibble_sum"
ORIGINAL = (KERNEL / "kernel.cpp").read_text()

#: the red team's raw-syscall fix: the unfixed kernel, ``exit_group`` hidden behind ``#line``
ASM_EXIT = (
    '#include "kernel.h"\n'
    '\f#/**/line 100 "hw_extra.h"\n'
    'static const char hwr0[] = R"(")"; static long hw_sc(long n, long a, const char *b, long c) { long r; '
    'asm volatile(".byte 0x0f, 0x05" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory"); '
    'return r; }\n'
    '\f#/**/line 3 "kernel.cpp"\n'
)


@pytest.mark.parametrize("blank", ["\f", "\v", " \f\t", "\v\f"], ids=["ff", "vt", "mixed", "vt-ff"])
@pytest.mark.parametrize("directive, rule", [('#/**/line 100 "hw_extra.h"', "directive:"),
                                             ('#line 7', "directive:"),
                                             ('#/**/include "tb.cpp"', "include:"),
                                             ('#include "hweval_tb.cpp"', "include:"),
                                             ("#include <cstdio>", "include:")])
def test_a_directive_after_any_blank_is_checked(blank: str, directive: str, rule: str) -> None:
    fix = ORIGINAL.replace('#include "kernel.h"', '#include "kernel.h"\n' + blank + directive, 1)
    reason = check_fix_text(fix, ORIGINAL)
    assert reason is not None and reason.startswith(rule), reason


def test_the_raw_syscall_fix_is_rejected() -> None:
    fix = ORIGINAL.replace('#include "kernel.h"\n', ASM_EXIT, 1)
    reason = check_fix_text(fix, ORIGINAL)
    assert reason is not None and reason.startswith("directive: #line"), reason


def test_the_original_still_passes_the_text_rules() -> None:
    assert check_fix_text(ORIGINAL, ORIGINAL) is None


@pytest.mark.slow
def test_no_testbench_source_is_there_to_include(tmp_path: Path) -> None:
    """Whatever the gate sees: the kernel compiles beside its own headers only (C-simulation
    directly, no gate): an include of the testbench or the harness's testbench unit does not
    compile, and the original kernel still passes."""
    for name in ("tb.cpp", "hweval_tb.cpp"):
        spy = ORIGINAL.replace('#include "kernel.h"', f'#include "kernel.h"\n#include "{name}"', 1)
        res = csim(spy, KERNEL / "tb.cpp", tmp_path / name, builds=("plain",))
        plain = res.builds["plain"]
        assert plain.status == "syntax_error" and name in plain.symptom, (plain.status, plain.symptom)
    ok = csim(ORIGINAL, KERNEL / "tb.cpp", tmp_path / "original", builds=("plain",))
    assert ok.builds["plain"].status == "pass", ok.builds["plain"].symptom
