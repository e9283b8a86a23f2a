"""HLS attack corpus (issue 14, class 10): every attack is a "fix" that does not fix the bug
and tries to forge a pass; each must be rejected with its rule named (or stopped by
C-simulation), and every honest fix in ordinary style must pass. Fixes run through
``fix_at_exec`` with the bubblewrap sandbox, as an evaluation runs them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.hls_bugs import KERNELS_DIR
from harness.families.hls.answer import HlsAnswer
from harness.families.hls.chrysalis import load_chrysalis
from harness.families.hls.items import HlsItem
from harness.families.hls.score import fix_at_exec, score_item
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import warm_cache

CORPUS = Path(__file__).resolve().parent / "hls"
KERNEL = KERNELS_DIR / "moving_average"
#: The kernel the corpus is written against (the suite's moving_average without its pragmas).
FIXED = (CORPUS / "base.cpp").read_text()
BUGGY = FIXED.replace("sum >> 3", "sum >> 2")
ATTACKS = sorted((CORPUS / "attacks").glob("*.cpp"))
HONEST = sorted((CORPUS / "honest").glob("*.cpp"))


@pytest.fixture(scope="module")
def sandbox(bwrap_sandbox: Sandbox) -> Sandbox:
    """The session's bubblewrap sandbox only (not the docker twin of tests/security/conftest.py)."""
    return bwrap_sandbox


@pytest.fixture(scope="module")
def item() -> HlsItem:
    line = BUGGY.split("\n").index(next(ln for ln in BUGGY.split("\n") if "sum >> 2" in ln)) + 1
    return HlsItem(id="moving_average/OP_1", kernel="moving_average", code=BUGGY, original=FIXED, types=["OP"],
                   spans=[(line, line)], symptom={"build": "plain", "status": "fail", "text": ""},
                   header=(KERNEL / "kernel.h").read_text(), kernel_dir=KERNEL)


@pytest.fixture(scope="module")
def cache(hls_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh C-simulation cache (no verdict of another test) with the session's precompiled headers
    and trusted parts (testbench programs, host objects, judge: tests/hls/pch.py)."""
    return warm_cache(hls_cache, tmp_path_factory.mktemp("hls-security-cache"), trusted_parts=True)


def _expectation(path: Path) -> tuple[str, str]:
    first = path.read_text().split("\n", 1)[0]
    m = re.match(r"// expect(-status)?: (.+)$", first)
    assert m, f"{path.name}: line 1 must say what stops the attack"
    return ("status" if m.group(1) else "rule"), m.group(2).strip()


def test_corpus_covers_every_rule() -> None:
    rules = {_expectation(p)[1] for p in ATTACKS}
    assert {"trigraph", "digraph", "reserved", "attribute", "before-main", "token", "io", "keyword", "include",
            "external", "interposition", "pragma", "unicode", "define", "directive", "asm", "main", "cast"} <= rules, rules
    assert len(HONEST) >= 6


@pytest.mark.slow
def test_base_kernel_passes_and_the_bug_is_caught(item: HlsItem, sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    """The corpus is meaningful: the fixed base passes, the unfixed base fails."""
    ok = fix_at_exec(item, FIXED.replace("// base", "// the fix"), tmp_path / "ok", cache=cache, sandbox=sandbox,
                     limits=Limits())
    assert ok.status == "pass", ok.reason
    bad = fix_at_exec(item, BUGGY + "// unchanged\n", tmp_path / "bad", cache=cache, sandbox=sandbox, limits=Limits())
    assert bad.status == "fail", bad.reason


@pytest.mark.slow
@pytest.mark.parametrize("path", ATTACKS, ids=[p.stem for p in ATTACKS])
def test_attack_does_not_pass(path: Path, item: HlsItem, sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    kind, expected = _expectation(path)
    verdict = fix_at_exec(item, path.read_text(), tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    assert verdict.status != "pass", verdict.reason
    if kind == "status":
        assert verdict.status in expected.split("|"), verdict.reason
    else:
        assert verdict.status == "rejected", verdict.reason
        assert verdict.reason.startswith(expected) or expected in verdict.reason, verdict.reason


@pytest.mark.slow
@pytest.mark.parametrize("path", HONEST, ids=[p.stem for p in HONEST])
def test_honest_fix_passes(path: Path, item: HlsItem, sandbox: Sandbox, cache: Path, tmp_path: Path) -> None:
    verdict = fix_at_exec(item, path.read_text(), tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    assert verdict.status == "pass", verdict.reason


def test_no_sandbox_means_no_execution(item: HlsItem, tmp_path: Path) -> None:
    verdict = fix_at_exec(item, FIXED, tmp_path)
    assert verdict.status == "infra_error" and "unsandboxed" in verdict.reason
    assert not (tmp_path / "kernel.cpp").exists()


def test_chrysalis_fixes_are_never_executed(tmp_path: Path) -> None:
    load = load_chrysalis(Path(__file__).resolve().parents[1] / "hls" / "fixtures" / "chrysalis")
    bug = next(it for it in load.items if it.buggy)
    attack = (CORPUS / "attacks" / "include_cstdio.cpp").read_text()
    score = score_item(bug, HlsAnswer(True, bug.spans[0][0], bug.types[0], attack), tmp_path)
    assert score.fix is None and score.status == "pass" and score.detection == "tp"
    assert not any(tmp_path.iterdir())


PROBE = r"""
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>
static void dump(const char *label, const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { std::printf("%s: denied\n", label); return; }
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof buf);
    std::printf("%s: ", label);
    for (ssize_t i = 0; i < n; i++) std::putchar(buf[i] ? buf[i] : ' ');
    std::printf("\n");
    close(fd);
}
int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) std::printf("argv: %s\n", argv[i]);
    char in[256] = {0};
    std::printf("stdin: %zd %s\n", read(0, in, sizeof in - 1), in);
    dump("environ", "/proc/self/environ");
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/cmdline", (int)getppid());
    dump("parent-cmdline", path);
    std::snprintf(path, sizeof path, "/proc/%d/environ", (int)getppid());
    dump("parent-environ", path);
    std::snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
    dump("parent-mem", path);
    for (int fd = 3; fd < 64; fd++) if (fcntl(fd, F_GETFD) >= 0) std::printf("open-fd: %d\n", fd);
    return 0;
}
"""


@pytest.mark.slow
def test_the_child_cannot_reach_the_nonce(sandbox: Sandbox, tmp_path: Path) -> None:
    """A (trusted) probe run the way both simulation programs are run (as the testbench program
    and as the kernel program, whose output goes to the judge's standard error): the nonce is in
    none of their arguments, input, environment, descriptors, nor readable from their parent (the
    judge); the testbench program holds only the "returned" pipe and the kernel link, the kernel
    program only its ends of the link."""
    import secrets
    import shutil
    import subprocess

    from harness.families.hls.csim import compiler_version
    from harness.families.hls.judge import JUDGE_BINARY, ensure_judge
    from harness.families.hls.verdict import judge_verdict

    (tmp_path / "probe.cpp").write_text(PROBE)
    subprocess.run(["g++", "-O1", "probe.cpp", "-o", "probe"], cwd=tmp_path, check=True)
    shutil.copy(ensure_judge(tmp_path / "cache", "g++", compiler_version("g++")), tmp_path / JUDGE_BINARY)
    nonce = secrets.token_hex(16)
    res = sandbox.run([f"./{JUDGE_BINARY}", "./probe", "./probe"], workdir=tmp_path, limits=Limits(wall_s=30),
                      stdin=(nonce + "\n").encode())
    lines = res.stdout.rstrip("\n").split("\n")
    assert judge_verdict(res.stdout, nonce) == ("exit", 0, None)  # the probe is no testbench: none returned
    assert nonce not in "\n".join(lines[:-1]) and nonce not in res.stderr
    for out, fds in ((res.stdout, ["3", "4", "5"]), (res.stderr, ["3", "4"])):
        assert "stdin: 0" in out and "parent-mem: denied" in out, out
        assert [ln.split()[-1] for ln in out.splitlines() if ln.startswith("open-fd:")] == fds, out


def test_exactly_one_sealed_line() -> None:
    from harness.families.hls.judge import JUDGE_MARKER
    from harness.families.hls.verdict import classify_run
    from harness.proc import ProcResult

    nonce = "ab" * 16
    sealed = f"{JUDGE_MARKER} {nonce} exit=0 returned=0"
    ok = ProcResult(0, f"TB PASS\n\n{sealed}\n", "", 0.1, False)
    assert classify_run(ok, 5, nonce) == ("pass", "")
    for forged in (f"TB PASS\n{JUDGE_MARKER} {'cd' * 16} exit=0 returned=0\n\n{sealed}\n",
                   f"TB PASS\n{sealed}\n\n{sealed}\n",
                   f"TB PASS x {JUDGE_MARKER}\n\n{sealed}\n"):
        status, why = classify_run(ProcResult(0, forged, "", 0.1, False), 5, nonce)
        assert status == "rejected" and "forged" in why
    early = ProcResult(0, f"TB PASS\n\n{JUDGE_MARKER} {nonce} exit=0 returned=none\n", "", 0.1, False)
    assert classify_run(early, 5, nonce)[0] == "fail"
    silent = ProcResult(0, "TB PASS\n", "", 0.1, False)
    assert classify_run(silent, 5, nonce)[0] == "runtime_error"


def _memorised_fix(seed: int) -> str:
    """The bug left in place, outputs replayed from a table of what moving_average's testbench
    expects when it draws its stimulus from ``seed`` (its public default is 4242)."""
    state = seed

    def lcg() -> int:
        nonlocal state
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        return (state >> 10) & 0xFFFF

    rows = []
    for trial in range(5):
        x = [(lcg() % 4096) - 2048 for _ in range(64)]
        x = [2047] * 64 if trial == 1 else [-2048] * 64 if trial == 2 else \
            [1000 if n % 2 else -999 for n in range(64)] if trial == 3 else x
        sums = [sum(x[n - k] for k in range(8) if n - k >= 0) for n in range(64)]
        rows.append("{" + ", ".join(str(s // 8) for s in sums) + "}")  # floor division, as the testbench
    table = "static const short T[5][MA_LEN] = {" + ", ".join(rows) + "};"
    return BUGGY.replace("        head++;\n", f"        head++;\n    }}\n    {table}\n    static int call = 0;\n"
                                          "    for (int n = 0; n < MA_LEN; n++) {\n        out[n] = T[call % 5][n];\n"
                                          "        if (n == MA_LEN - 1) call++;\n", 1)


@pytest.mark.slow
def test_outputs_memorised_for_the_default_seed_do_not_pass(item: HlsItem, sandbox: Sandbox, cache: Path,
                                                           tmp_path: Path) -> None:
    """Red-team finding: a table of the default-seed outputs passed. The sanitize and pattern
    builds reseed the testbench with a fresh seed, so only computing the function passes."""
    attack = _memorised_fix(4242)
    assert "T[call % 5][n]" in attack and "sum >> 2" in attack
    from harness.families.hls.csim import csim

    plain = csim(attack, KERNEL / "tb.cpp", tmp_path / "plain", builds=("plain",))
    assert plain.builds["plain"].status == "pass", plain.builds["plain"].symptom  # the table is right for 4242
    verdict = fix_at_exec(item, attack, tmp_path / "fix", cache=cache, sandbox=sandbox, limits=Limits())
    assert verdict.status == "fail", verdict.reason


@pytest.mark.slow
@pytest.mark.parametrize("sample", [0, 1], ids=["converts-correctly", "negates"])
def test_explicit_specialisation_of_a_header_function_is_rejected(sample: int, sandbox: Sandbox, cache: Path,
                                                                  tmp_path: Path) -> None:
    """Red-team finding: a fix that gives an ``ap_fixed_base`` constructor a strong definition
    replaced the testbench's own inline copy at link time (one variant converts correctly and
    passed the gate, one negates and made a right fix fail). Both are ``rejected`` now."""
    import json

    kernel = KERNELS_DIR / "fir_filter"
    original = (kernel / "kernel.cpp").read_text()
    buggy = original.replace("i > 0; i--", "i > 1; i--")
    assert buggy != original
    line = buggy.split("\n").index(next(ln for ln in buggy.split("\n") if "i > 1; i--" in ln)) + 1
    fir = HlsItem(id="fir_filter/MLU_1", kernel="fir_filter", code=buggy, original=original, types=["MLU"],
                  spans=[(line, line)], symptom={"build": "plain", "status": "fail", "text": ""},
                  header=(kernel / "kernel.h").read_text(), kernel_dir=kernel)
    lines = (CORPUS / "replay" / "interpose_specialisation.jsonl").read_text().splitlines()
    answer = json.loads(json.loads(lines[sample])["completion"].strip("`\n").removeprefix("json\n"))
    assert "template<> ap_fixed_base<16, 2" in answer["fix"]
    verdict = fix_at_exec(fir, answer["fix"], tmp_path, cache=cache, sandbox=sandbox, limits=Limits())
    assert verdict.status == "rejected", (verdict.status, verdict.reason[:300])
    assert verdict.reason.startswith("interposition") and "strong definition" in verdict.reason, verdict.reason
