"""HLS, issue 14 round 9: the gaps left after round 8, closed.

1. **Lexer** (:mod:`harness.families.hls.lexer`). The gate's text rules read a fix with its
   comments and literals taken out, and split it differently from GCC in two places: a raw string
   (``R"(" /* ")"`` made the old character lexer take ``/*`` for a comment, hiding the lines up to
   the next ``*/`` from the name rules), and a C++14 digit separator (``1'0 + sizeof("'/*")``: both
   lexers read ``'0 + sizeof("'`` as a character literal, then a comment). Through the second, a
   ``#line`` hidden from the directive rules hid an ``asm`` ``syscall`` from the token rules, and the
   whole gate let it run (the answer below; checked before the fix: the gate's verdict was "no rule
   broken" and the build's output held the kernel's ``HW-SYSCALL-RAN``). Now one lexer splits text
   as GCC does, and a fix may hold no raw string literal (``raw-string``).
2. **Object** (:mod:`harness.families.hls.objcheck`): the kernel object holds no ``syscall``,
   ``sysenter`` or ``int`` instruction (``instruction``), whatever hid its source.
3. **Kernel program reach** (:mod:`harness.families.hls.judge`): see the classes below.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls import integrity, lexer
from harness.families.hls.guard import check_fix_text
from harness.families.hls.items import HlsItem

KERNEL = KERNELS_DIR / "nibble_sum"
ORIGINAL = (KERNEL / "kernel.cpp").read_text()
BUGGY = ORIGINAL.replace("ap_int<4> w", "ap_int<5> w")
INCLUDE = '#include "kernel.h"\n'
LOOP = "    for (int i = 0; i < NS_WORDS; i++) {\n#pragma HLS PIPELINE"

#: A raw ``syscall`` (write on descriptor 2): what the hidden lines of the attacks below define.
SYSCALL_FN = ('static long hw_sc(long n, long a, const void *b, long c) { long r; asm volatile("syscall" : "=a"(r) '
              ': "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory"); return r; }\n')
CALL = '    hw_sc(1, 2, "HW-SYSCALL-RAN\\n", 15);\n'


def _with(header: str, call: str = CALL, body: str = BUGGY) -> str:
    out = body.replace(INCLUDE, INCLUDE + header, 1).replace(LOOP, call + LOOP, 1)
    assert header in out and call in out
    return out


#: The round-9 answer that passed the whole gate: a digit separator hides ``#line`` (and through it
#: the ``asm``) from the text rules; the token rules read only the lines marked ``kernel.cpp``.
SEPARATOR_ATTACK = _with("static const int hw_k = 1'0 + sizeof(\"'/*\");\n"
                         '#line 1 "hw_x.h"\n' + SYSCALL_FN + '#line 4 "kernel.cpp"\n// */\n')
#: A raw string hides token pasting and an ``asm`` from the name rules of ``integrity.check_fix``.
RAW_ATTACK = _with('static const char hw0[] = R"(" /* ")";\n#define HW_CAT(a, b) a##b\n' + SYSCALL_FN
                   + 'static const char hw1[] = R"(*/)";\n')


def _item() -> HlsItem:
    return HlsItem(id="nibble_sum/a", kernel="nibble_sum", code=BUGGY, original=ORIGINAL, types=["USE"],
                   spans=[(5, 5)], symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(KERNEL / "kernel.h").read_text(), kernel_dir=KERNEL)


class TestLexer:
    def test_the_separator_attack_is_rejected_for_its_directive(self) -> None:
        reason = check_fix_text(SEPARATOR_ATTACK, ORIGINAL)
        assert reason is not None and reason.startswith("directive: #line"), reason

    def test_the_raw_string_attack_is_rejected(self) -> None:
        reason = check_fix_text(RAW_ATTACK, ORIGINAL)
        assert reason is not None and reason.startswith("raw-string:"), reason
        # and the name rules alone now see what the raw string hid (the old lexer saw nothing)
        assert (integrity.check_fix(RAW_ATTACK) or "").startswith("token: token pasting")

    @pytest.mark.parametrize("literal", ['R"(")"', 'R"x()")x"', 'u8R"(/*)"', 'LR"(//)"', 'uR"(a)"', 'UR"q(")q"',
                                         'R\\\n"(")"', 'R\\  \n"(")"', '"a"R"(")"', 'x, R"(")"'])
    def test_every_raw_string_form_is_rejected(self, literal: str) -> None:
        fix = _with(f"static const char *hw_s = {literal};\n", call="")
        reason = check_fix_text(fix, ORIGINAL)
        assert reason is not None and reason.startswith("raw-string:"), (literal, reason)

    @pytest.mark.parametrize("text, expected", [
        ('R"(")" x', '"" x'), ('R"x()")x" y', '"" y'), ('u8R"(a)" z', '"" z'), ('LR"(//)" w', '"" w'),
        ('xR"(" /* q', 'xR""  '), ("a = 1'0 + sizeof(\"'/*\"); b */", "a = 1'0 + sizeof(\"\"); b */"),
        ("#define X ' /* \nint y; // */", "#define X ''\nint y;  "), ("0x1'fu'/*'", "0x1'fu''"),
    ])
    def test_the_lexer_splits_as_gcc_does(self, text: str, expected: str) -> None:
        assert lexer.strip(text, literals=True) == expected

    def test_honest_digit_separators_and_strings_pass(self) -> None:
        fix = BUGGY.replace("ap_int<5> w", "ap_int<4> w").replace(
            "ap_int<16> acc = 0;", "ap_int<16> acc = 0'0; // the 'sum' of \"nibbles\" /* no comment */")
        assert fix != BUGGY and check_fix_text(fix, ORIGINAL) is None


_SAMPLES = [
    "int a = 1'0 + sizeof(\"'/*\");\nint hidden1;\n// */\n",
    'const char *s = R"(" /* ")"; int hidden2; // R"(\nint after2;\n',
    'const char *t = R"x()")x"; int hidden3; /* R"( */ int after3;\n',
    "int b = 0x1'f + '\\''; int hidden4; const char *u = u8R\"(//)\"; int hidden5;\n",
    "#define X ' /* \nint hidden6; // */\nint z = xR\"(\" \"; int hidden7;\n",
]


def _names(code: str) -> list[str]:
    no_directives = "\n".join(ln for ln in code.split("\n") if not ln.lstrip().startswith("#"))
    return [t for k, t in lexer.lex(no_directives) if k == "ident"]


@pytest.mark.slow
@pytest.mark.parametrize("sample", _SAMPLES)
def test_the_lexer_sees_the_names_gcc_sees(sample: str, tmp_path: Path) -> None:
    """GCC's own tokenizer (``-fpreprocessed -E``: comments removed, nothing expanded) and the
    lexer agree on the names outside comments (literals are left whole by GCC, so both outputs are
    read by the lexer, on which GCC's has no comment left to misread)."""
    (tmp_path / "t.cpp").write_text(sample)
    res = subprocess.run(["g++", "-std=gnu++14", "-fpreprocessed", "-E", "t.cpp", "-o", "t.ii"], cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    gcc = _names(re.sub(r'(?m)^# \d+ ".*$', "", (tmp_path / "t.ii").read_text()))
    ours = _names(lexer.strip(lexer.join_splices(sample), literals=False))
    assert ours == gcc, (sample, ours, gcc)
    assert any(n.startswith("hidden") for n in gcc)
