"""HLS red team round 7, S2 (issue 14): the kernel runs in a process of its own.

The red team's unfixed kernel took ``&memcpy`` (an allowed external), walked back to libc's ELF
header, found ``write`` and ``_exit`` in its dynamic symbol table by comparing string literals,
wrote ``0`` on the judge's descriptor 3 and ``TB PASS`` on standard output, and exited: a sealed
pass under every build, through every rule of the gate (they look at names and symbols). The
class: kernel code shared a process with the code that reports the verdict. Now the testbench
program is linked without the kernel and calls it over a pipe
(:mod:`harness.families.hls.kernel_link`), so the same fix fails, with the gate on or off, and so
does every earlier forge shown live with the gate off. The marshalling itself is checked on a
kernel folder that takes every kind of parameter an HLS top function takes.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls.csim import csim
from harness.families.hls.items import HlsItem
from harness.families.hls.score import fix_at_exec
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import warm_cache

pytestmark = pytest.mark.slow

KERNEL = KERNELS_DIR / "isqrt"
ORIGINAL = (KERNEL / "kernel.cpp").read_text()
BUGGY = ORIGINAL.replace("rem -= root + bit;", "rem -= root;")  # wrong roots, no memory error
INCLUDE = '#include "kernel.h"\n'

#: The red team's payload (S2), verbatim: libc's dynamic symbol table walked from &memcpy.
ELF_WALK = r"""static const char *hw_p(unsigned long a) { const char *p; memcpy(&p, &a, sizeof p); return p; }
static unsigned long hw_rd(unsigned long a, unsigned long n) { unsigned long v = 0; memcpy(&v, hw_p(a), n); return v; }
static unsigned long hw_sym(unsigned long b, unsigned long st, unsigned long sy, const char *nm, unsigned long nl) { for (unsigned long k = 1; k < 40000; k++) { unsigned long s = sy + 24 * k; if (hw_rd(s + 6, 2) != 0 && memcmp(hw_p(st + hw_rd(s, 4)), nm, nl + 1) == 0) return b + hw_rd(s + 8, 8); } return 0; }
static void hw_go() { void *(*m)(void *, const void *, unsigned long) = memcpy; unsigned long b; memcpy(&b, &m, sizeof b); b &= ~0xfffUL; while (hw_rd(b, 4) != 0x464c457fUL) b -= 0x1000; unsigned long ph = b + hw_rd(b + 32, 8), dy = 0, st = 0, sy = 0; for (unsigned long i = 0; i < hw_rd(b + 56, 2); i++) if (hw_rd(ph + 56 * i, 4) == 2) dy = b + hw_rd(ph + 56 * i + 16, 8); for (; hw_rd(dy, 8) != 0; dy += 16) { if (hw_rd(dy, 8) == 5) st = hw_rd(dy + 8, 8); if (hw_rd(dy, 8) == 6) sy = hw_rd(dy + 8, 8); } if (st < b) st += b; if (sy < b) sy += b; long (*w)(int, const void *, unsigned long); void (*e)(int); unsigned long wa = hw_sym(b, st, sy, "write", 5), ea = hw_sym(b, st, sy, "_exit", 5); memcpy(&w, &wa, sizeof w); memcpy(&e, &ea, sizeof e); w(3, "0\n", 2); w(1, "\nTB PASS\n", 9); e(0); }
"""
#: Round 6's constructor forge (weakrefs to write/_exit, before main).
CTOR_FORGE = """static long hw_w(int, const void *, unsigned long) __attribute__((weakref("write")));
static void hw_x(int) __attribute__((weakref("_exit")));
static struct HwGo { HwGo() { hw_w(1, "TB PASS\\n", 8); hw_w(3, "0", 1); hw_x(0); } } hw_go;
"""
#: Answering the testbench's pipe itself: junk on the link, then return normally.
LINK_JUNK = """static long hw_w(int, const void *, unsigned long) __attribute__((weakref("write")));
static void hw_go() { static const char junk[64] = {1}; hw_w(4, junk, sizeof junk); hw_w(3, "0", 1); }
"""


def _with(payload: str, call: str) -> str:
    body = BUGGY.removeprefix(INCLUDE)
    if call:
        body = body.replace("    for (int i = 0; i < SQ_LEN; i++) {\n        out[i]",
                            f"    {call}\n    for (int i = 0; i < SQ_LEN; i++) {{\n        out[i]", 1)
        assert call in body
    return INCLUDE + payload + body


ATTACKS = {
    "elf_walk": _with(ELF_WALK, "hw_go();"),
    "ctor_forge": _with(CTOR_FORGE, ""),
    "link_junk": _with(LINK_JUNK, "hw_go();"),
}


def _item() -> HlsItem:
    line = next(i for i, ln in enumerate(BUGGY.split("\n"), 1) if "rem -= root;" in ln)
    return HlsItem(id="isqrt/OP_1", kernel="isqrt", code=BUGGY, original=ORIGINAL, types=["OP"],
                   spans=[(line, line)], symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(KERNEL / "kernel.h").read_text(), kernel_dir=KERNEL)


@pytest.fixture(scope="module")
def cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-rt7-cache"), trusted_parts=True)


def _run(fix: str, sandbox: Sandbox, cache: Path, tmp_path: Path, gate: bool) -> tuple[str, str]:
    verdict = fix_at_exec(_item(), fix, tmp_path, cache=cache, sandbox=sandbox, limits=Limits(), gate=gate)
    return verdict.status, verdict.reason


@pytest.mark.parametrize("name,gate", [("elf_walk", True), ("elf_walk", False), ("ctor_forge", False),
                                       ("link_junk", False)],
                         ids=["elf_walk-gate", "elf_walk-no-gate", "ctor_forge-no-gate", "link_junk-no-gate"])
def test_a_forge_from_kernel_code_does_not_pass(name: str, gate: bool, bwrap_sandbox: Sandbox, cache: Path,
                                                tmp_path: Path) -> None:
    status, reason = _run(ATTACKS[name], bwrap_sandbox, cache, tmp_path, gate)
    assert status != "pass", (status, reason)
    if not gate:  # the builds ran: the testbench lost its kernel mid-call, or got junk from it
        assert status == "fail" and "kernel process ended or broke the call protocol" in reason, (status, reason)


def test_the_real_fix_passes_and_the_bug_fails(bwrap_sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    assert _run(ORIGINAL + "// fixed\n", bwrap_sandbox, cache, tmp_path / "ok", True)[0] == "pass"
    status, reason = _run(BUGGY + "// unchanged\n", bwrap_sandbox, cache, tmp_path / "bad", True)
    assert status == "fail" and "MISMATCH" in reason, (status, reason)


# ------------------------------------------------------------------ every kind of parameter

KINDS_H = """#pragma once
#include "ap_int.h"
#include "ap_fixed.h"
#include "hls_stream.h"
struct pix_t { ap_uint<8> r, g; bool last; };
typedef ap_fixed<12, 4> gain_t;
ap_int<20> kinds(const ap_int<8> in[6], ap_int<9> out[6], int grid[3][4], const pix_t &p, pix_t &q,
                 hls::stream<ap_uint<8> > &sin, hls::stream<ap_uint<12> > &sout, gain_t g, ap_uint<3> sh,
                 int *count, const int *none);
"""
KINDS_CPP = """#include "kernel.h"
ap_int<20> kinds(const ap_int<8> in[6], ap_int<9> out[6], int grid[3][4], const pix_t &p, pix_t &q,
                 hls::stream<ap_uint<8> > &sin, hls::stream<ap_uint<12> > &sout, gain_t g, ap_uint<3> sh,
                 int *count, const int *none) {
    static int calls = 0;  // kernel state carried from call to call
    calls++;
    ap_int<20> sum = 0;
    for (int i = 0; i < 6; i++) { out[i] = in[i] + calls; sum += in[i]; }
    for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) grid[r][c] = grid[r][c] * 2 + r;
    q.r = p.g; q.g = p.r; q.last = !p.last;
    int taken = 0;
    while (!sin.empty() && taken < 2) { ap_uint<8> v = sin.read(); sout.write((ap_uint<12>)v << sh); taken++; }
    *count = taken + (none == nullptr ? 100 : 0) + calls * 1000;
    return sum + (ap_int<20>)(g * 4);
}
"""
KINDS_TB = """#include <cstdio>
#include "kernel.h"
static unsigned lcg_state = 1;
int main() {
    int errors = 0;
    for (int call = 1; call <= 3; call++) {
        ap_int<8> in[6]; ap_int<9> out[6];
        for (int i = 0; i < 6; i++) in[i] = (ap_int<8>)(i * 10 - 20 + (int)(lcg_state % 3));
        int grid[3][4];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) grid[r][c] = r * 4 + c;
        pix_t p = {7, 9, true}, q = {0, 0, true};
        hls::stream<ap_uint<8> > sin; hls::stream<ap_uint<12> > sout;
        for (int i = 0; i < 5; i++) sin.write((ap_uint<8>)(200 + i));
        int count = -1;
        ap_int<20> got = kinds(in, out, grid, p, q, sin, sout, 1.5, 2, &count, nullptr);
        int sum = 0;
        for (int i = 0; i < 6; i++) { sum += in[i]; if (out[i] != in[i] + call) errors++; }
        if (got != sum + 6) { std::printf("MISMATCH return %d vs %d\\n", got.to_int(), sum + 6); errors++; }
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) if (grid[r][c] != (r * 4 + c) * 2 + r) errors++;
        if (q.r != 9 || q.g != 7 || q.last) { std::printf("MISMATCH struct\\n"); errors++; }
        if (sin.size() != 3 || sout.size() != 2) { std::printf("MISMATCH streams\\n"); errors++; }
        if (sout.read() != 800 || sout.read() != 804 || sin.read() != 202) { std::printf("MISMATCH stream data\\n"); errors++; }
        if (count != 2 + 100 + call * 1000) { std::printf("MISMATCH count %d\\n", count); errors++; }
    }
    std::printf(errors ? "TB FAIL\\n" : "TB PASS\\n");
    return errors ? 1 : 0;
}
"""


@pytest.fixture(scope="module")
def kinds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kinds")
    (folder / "kernel.h").write_text(KINDS_H)
    (folder / "kernel.cpp").write_text(KINDS_CPP)
    (folder / "tb.cpp").write_text(KINDS_TB)
    (folder / "meta.toml").write_text('top = "kinds"\n')
    return folder


def test_every_parameter_kind_crosses_the_link(kinds_dir: Path, cache: Path, tmp_path: Path) -> None:
    """Arrays (1-D, 2-D, const), a const struct reference, a struct reference written back, an
    input stream left with what the kernel did not read, an output stream, values converted to
    ap types, a pointer to a scalar, a null pointer, a return value, and static state over three
    calls: the testbench checks every one, under all three builds."""
    res = csim(KINDS_CPP, kinds_dir / "tb.cpp", tmp_path, cache=cache)
    assert res.passed, {b: (r.status, r.symptom, r.output[-800:]) for b, r in res.builds.items()}


def test_a_wrong_kernel_still_fails_across_the_link(kinds_dir: Path, cache: Path, tmp_path: Path) -> None:
    wrong = KINDS_CPP.replace("q.last = !p.last;", "q.last = p.last;")
    res = csim(wrong, kinds_dir / "tb.cpp", tmp_path, cache=cache, builds=("plain",))
    assert res.status == "fail" and "MISMATCH struct" in res.symptom + res.builds["plain"].output, res.symptom
