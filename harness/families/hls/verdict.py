"""How a C-simulation run is judged: the harness's own ``main`` with a nonce, and the
classification of a compile or run into the verdict vocabulary.

The testbench's ``main`` is renamed and called by :data:`TB_WRAPPER_TEXT`'s ``main``, which
prints a line with a per-run nonce only when the testbench returned 0. The nonce reaches the
program as an argument that is wiped before the testbench starts, so the kernel (which also may
not print, see ``integrity``) cannot print or exit its way to a pass.
"""
from __future__ import annotations

import re
import signal
from pathlib import Path

from harness.proc import ProcResult

PASS_MARKER = "TB PASS"
NONCE_MARKER = "HWEVAL-CSIM-OK"
TB_WRAPPER = "hweval_tb.cpp"
#: The testbench translation unit: ``tb.cpp`` with its ``main`` renamed, and the harness's main.
TB_WRAPPER_TEXT = f"""// hweval: the testbench's main() is renamed; this main() reports the verdict with a nonce.
#define main hweval_tb_main
#include "tb.cpp"
#undef main
#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {{
    char nonce[80] = {{0}};
    if (argc > 1) {{
        std::strncpy(nonce, argv[1], sizeof(nonce) - 1);
        std::memset(argv[1], 0, std::strlen(argv[1]));
    }}
    int rc = hweval_tb_main();
    std::fflush(stdout);
    if (rc == 0 && nonce[0] != 0) std::printf("\\n%s %s\\n", "{NONCE_MARKER}", nonce);
    std::fflush(stdout);
    return rc;
}}
"""
_ERROR_LINE = re.compile(r"^.*?\berror\b:.*$", re.MULTILINE)
_UBSAN = re.compile(r"(?:([\w./-]+):(\d+):\d+: )?runtime error: (.*)")
_ASAN = re.compile(r"ERROR: AddressSanitizer: ([\w-]+)")
_OOM = re.compile(r"AddressSanitizer: (?:hard rss limit exhausted|allocator is out of memory|out of memory)|"
                  r"malloc limit|rss-limit-exceeded")


def compile_symptom(text: str) -> str:
    m = _ERROR_LINE.search(text)
    line = m.group(0) if m else (text.strip().splitlines() or ["compile failed"])[-1]
    return line.strip()[:300]


def classify_run(res: ProcResult, timeout_s: float, nonce: str) -> tuple[str, str]:
    out = res.stdout + "\n" + res.stderr
    if res.timed_out:
        return "timeout", f"no termination within {timeout_s:g}s"
    sealed = f"{NONCE_MARKER} {nonce}" in res.stdout.splitlines()
    if res.returncode == 0 and PASS_MARKER in res.stdout and sealed:
        return "pass", ""
    if _OOM.search(out):
        return "runtime_error", "out of memory (the sanitizer's memory limit)"
    asan = _ASAN.search(out)
    if asan:
        where = re.search(r"#\d+ 0x[0-9a-f]+ in (\S+) (\S*kernel\.cpp:\d+)", out)
        return "runtime_error", f"AddressSanitizer: {asan.group(1)}" + (f" in {where.group(1)} ({Path(where.group(2)).name})" if where else "")
    ub = _UBSAN.search(out)
    if ub:
        loc = f" ({Path(ub.group(1)).name}:{ub.group(2)})" if ub.group(1) else ""
        return "runtime_error", f"runtime error: {ub.group(3).strip()[:200]}{loc}"
    if res.returncode is not None and res.returncode < 0:
        try:
            name = signal.Signals(-res.returncode).name
        except ValueError:
            name = f"signal {-res.returncode}"
        return "runtime_error", f"killed by {name}"
    if res.returncode is not None and res.returncode >= 128 + 1 and res.returncode <= 128 + 64:
        return "runtime_error", f"exit code {res.returncode} (signal)"
    fail = next((ln.strip() for ln in res.stdout.splitlines() if "TB FAIL" in ln or "MISMATCH" in ln), "")
    if fail:
        return "fail", fail[:300]
    if res.returncode == 0:
        return "fail", ("the program exited 0 without the harness's verdict line (ended before the testbench did?)"
                        if PASS_MARKER in res.stdout else f"testbench exited 0 without printing {PASS_MARKER!r}")
    return "fail", f"testbench exit code {res.returncode}"
