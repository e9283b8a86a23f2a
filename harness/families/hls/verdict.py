"""How a C-simulation run is judged: a trusted parent process (the judge) that holds the
nonce, and the classification of a compile or run into the verdict vocabulary.

The testbench's ``main`` is renamed and called by the ``main`` of :func:`tb_wrapper_text` (so a
testbench ``main`` must take no arguments). The program runs as the child of the judge
(:mod:`harness.families.hls.judge`), which alone knows the run's nonce and prints one sealed
line with the child's exit status. A pass needs exactly one judge line, last in the output,
with this run's nonce and ``exit=0``, and the testbench's ``TB PASS``; a run whose output holds
any other line with the judge's marker is ``rejected`` (the candidate tried to forge a verdict).
"""
from __future__ import annotations

import re
import signal
from pathlib import Path

from harness.families.hls.judge import JUDGE_MARKER
from harness.families.hls.tbcheck import INPUT_VERDICT, input_check_text, seed_hook, top_of
from harness.proc import ProcResult

PASS_MARKER = "TB PASS"
TB_WRAPPER = "hweval_tb.cpp"
#: The environment variable carrying a run's fresh stimulus seed to the testbench.
SEED_ENV = "HWEVAL_TB_SEED"


def tb_wrapper_text(tb_text: str, top: str | None = None) -> str:
    """The testbench translation unit: ``tb.cpp`` with its ``main`` renamed, and the harness's
    main. When :data:`SEED_ENV` is set (the ``sanitize`` and ``pattern`` builds of every
    evaluation: :data:`harness.families.hls.csim.FRESH_SEED_BUILDS`), the harness's main first
    reseeds the testbench's stimulus with it, through the testbench's own
    ``void hweval_seed(unsigned)`` or, failing that, its ``static unsigned lcg_state``. A kernel
    folder's testbench then draws stimulus nobody could know when the answer was written (a table
    of the default seed's outputs fails), while the ``plain`` build keeps the default seed the
    items were validated with. With ``top`` (the kernel's top function) every call of it checks
    that the kernel left its ``const`` inputs unchanged (:mod:`harness.families.hls.tbcheck`)."""
    reseed = seed_hook(tb_text) or "(void)seed;"
    check = input_check_text(tb_text, top)
    verdict = INPUT_VERDICT if check else ""
    return f"""// hweval: the testbench's main() is renamed and called from here; the verdict comes from the judge.
{check}#define main hweval_tb_main
#include "tb.cpp"
#undef main
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sys/prctl.h>
#include <unistd.h>

int main() {{
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // the kernel's process may not read or trace this one
    std::signal(SIGPIPE, SIG_IGN);  // a kernel process that ends mid-call is reported, not a signal
    const char *fresh = std::getenv("{SEED_ENV}");
    if (fresh != nullptr && *fresh != 0) {{
        unsigned seed = (unsigned)std::strtoul(fresh, nullptr, 10);
        {reseed}
    }}
    int rc = hweval_tb_main();
{verdict}    std::fflush(stdout);
    char msg[32];
    int n = std::snprintf(msg, sizeof msg, "%d\\n", rc);  // to the judge: the testbench returned
    if (n > 0 && write(3, msg, (size_t)n) < 0) return 125;
    return rc;
}}
"""

def tb_wrapper_for(tb_path: Path, tb_text: str) -> str:
    """:func:`tb_wrapper_text` of the testbench at ``tb_path``, checking the inputs of the top
    function its folder's ``meta.toml`` names."""
    return tb_wrapper_text(tb_text, top_of(tb_path.parent))


_JUDGE_LINE = re.compile(rf"^{JUDGE_MARKER} (\S+) (exit|signal)=(-?\d+) returned=(-?\d+|none)$")
_ERROR_LINE = re.compile(r"^.*?\berror\b:.*$", re.MULTILINE)
_UBSAN = re.compile(r"(?:([\w./-]+):(\d+):\d+: )?runtime error: (.*)")
_ASAN = re.compile(r"ERROR: AddressSanitizer: ([\w-]+)")
_OOM = re.compile(r"AddressSanitizer: (?:hard rss limit exhausted|allocator is out of memory|out of memory)|"
                  r"malloc limit|rss-limit-exceeded")


def compile_symptom(text: str) -> str:
    m = _ERROR_LINE.search(text)
    line = m.group(0) if m else (text.strip().splitlines() or ["compile failed"])[-1]
    return line.strip()[:300]


def judge_verdict(stdout: str, nonce: str) -> tuple[str, int, int | None] | str:
    """``(kind, value, testbench code or None)`` from the judge's sealed line, or why the output
    cannot be trusted."""
    lines = stdout.rstrip("\n").split("\n")
    tagged = [i for i, ln in enumerate(lines) if JUDGE_MARKER in ln]
    if not tagged:
        return "the judge reported no exit status"
    m = _JUDGE_LINE.match(lines[-1].strip())
    if len(tagged) > 1 or tagged[-1] != len(lines) - 1 or m is None or m.group(1) != nonce:
        return f"the program printed the judge's marker {JUDGE_MARKER!r} (a forged verdict line)"
    return m.group(2), int(m.group(3)), None if m.group(4) == "none" else int(m.group(4))


def classify_run(res: ProcResult, timeout_s: float, nonce: str) -> tuple[str, str]:
    out = res.stdout + "\n" + res.stderr
    if res.timed_out:
        return "timeout", f"no termination within {timeout_s:g}s"
    sealed = judge_verdict(res.stdout, nonce)
    if isinstance(sealed, str) and "forged" in sealed:
        return "rejected", sealed
    if sealed == ("exit", 0, 0) and res.returncode == 0 and PASS_MARKER in res.stdout:
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
    if isinstance(sealed, str):
        return "runtime_error", sealed
    kind, value, returned = sealed
    if kind == "signal":
        try:
            name = signal.Signals(value).name
        except ValueError:
            name = f"signal {value}"
        return "runtime_error", f"killed by {name}"
    if 128 + 1 <= value <= 128 + 64:
        return "runtime_error", f"exit code {value} (signal)"
    fail = next((ln.strip() for ln in res.stdout.splitlines() if "TB FAIL" in ln or "MISMATCH" in ln), "")
    if fail:
        return "fail", fail[:300]
    if value == 0 and returned is None:
        return "fail", "the program exited 0 before the testbench returned (ended by the kernel?)"
    if value == 0:
        return "fail", f"testbench exited 0 without printing {PASS_MARKER!r}"
    return "fail", f"testbench exit code {value}"
