"""C-simulation: classification of each outcome, timeouts and the compile cache."""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from harness.families.hls.csim import BUILDS, ap_include_dir, build_commands, csim
from harness.families.hls.sandboxed import sandbox_runner
from harness.proc import ProcResult
from harness.sandbox.base import Limits, Sandbox
from tests.hls.pch import warm_cache


def _kernel(kernels_dir: Path) -> tuple[str, Path]:
    folder = kernels_dir / "moving_average"
    return (folder / "kernel.cpp").read_text(), folder / "tb.cpp"


@pytest.mark.slow
def test_outcomes_are_classified(kernels_dir: Path, hls_cache: Path, tmp_path: Path) -> None:
    src, tb = _kernel(kernels_dir)
    cases = {
        "syntax_error": src.replace("head++;", "head++"),
        "fail": src.replace("sum >> 3", "sum >> 2"),
        "runtime_error": src.replace("window[i] = 0;", "window[i + 1] = 0;"),
    }
    for expected, code in cases.items():
        builds = ("sanitize",) if expected == "runtime_error" else ("plain",)
        res = csim(code, tb, tmp_path / expected, cache=hls_cache, timeout_s=10, builds=builds)
        assert not res.passed
        assert res.status == expected, res.symptom
    inf = src.replace("for (int n = 0; n < MA_LEN; n++) {", "for (int n = 0; n < MA_LEN; n = n) {")
    start = time.monotonic()
    res = csim(inf, tb, tmp_path / "inf", cache=hls_cache, timeout_s=1.5, builds=("plain",))
    assert res.status == "timeout" and time.monotonic() - start < 60


@pytest.mark.slow
def test_compile_cache_avoids_a_rebuild(kernels_dir: Path, hls_cache: Path, tmp_path: Path,
                                        local_sandbox: Sandbox) -> None:
    """Through the sandboxed runner with an empty cache (but for the session's precompiled headers,
    tests/hls/pch.py): the testbench object compiled in the sandbox's scratch folder comes back out
    into the cache and is reused; known results run nothing."""
    src, tb = _kernel(kernels_dir)
    src = src.replace("#include \"kernel.h\"", "#include \"kernel.h\"\n// cache test")
    calls: list[list[str]] = []
    cache, builds = warm_cache(hls_cache, tmp_path / "cache", header_probe=False), ("sanitize",)
    sandboxed = sandbox_runner(local_sandbox, Limits(), [ap_include_dir(), cache / "pch"])

    def runner(cmd: Sequence[str], cwd: Path, timeout_s: float, env: Mapping[str, str] | None,
               stdin: bytes | None = None) -> ProcResult:
        calls.append(list(cmd))
        return sandboxed(cmd, cwd, timeout_s, env, stdin)

    first = csim(src, tb, tmp_path / "a", cache=cache, timeout_s=10, runner=runner, builds=builds)
    # testbench compile and link, host compile, kernel compile and link, run
    assert first.passed and len(calls) == 6
    assert calls[0][-3:] == ["hweval_tb.cpp", "-o", "tb.sanitize.o"]
    assert len(list((cache / "tbexe").rglob("*.bin"))) == 1 and len(list((cache / "hostobj").rglob("*.bin"))) == 1
    calls.clear()
    second = csim(src, tb, tmp_path / "b", cache=cache, timeout_s=10, runner=runner, builds=builds)
    assert second.passed and calls == []
    assert all(r.cached for r in second.builds.values())
    third = csim(src.replace("cache test", "cache test 2"), tb, tmp_path / "c", cache=cache, timeout_s=10,
                 runner=runner, builds=builds)
    assert third.passed
    assert not any(c.endswith("tb.cpp") or c.endswith("host.cpp") for cmd in calls for c in cmd)  # from the cache
    assert len(calls) == 3
    assert BUILDS == ("plain", "sanitize", "pattern")


@pytest.mark.slow
def test_kernel_cannot_print_its_way_to_a_pass(kernels_dir: Path, tmp_path: Path) -> None:
    """A kernel that prints the pass line and exits: it runs in the kernel program, whose output
    never reaches the verdict, and ending it mid-call fails the testbench (the integrity checks
    would reject it first; here csim runs it directly to show the second line of defence). Without a
    cache: the one test of a build with no precompiled headers."""
    src, tb = _kernel(kernels_dir)
    cheat = src.replace("    sample_t window[MA_WIN];",
                        '    std::printf("TB PASS\\n"); std::fflush(stdout); std::exit(0);\n    sample_t window[MA_WIN];')
    assert cheat != src
    res = csim(cheat, tb, tmp_path / "cheat", cache=None, timeout_s=10, builds=("plain",))
    assert res.status == "fail" and "kernel process ended" in res.symptom, res.symptom



@pytest.mark.slow
def test_an_output_the_kernel_never_writes_reads_as_the_pattern(hls_cache: Path, tmp_path: Path) -> None:
    """Each build's testbench program is built with that build's flags (not one program for all
    three): an output element the testbench leaves uninitialised (hls-hard sm_scale's ``y``) and
    the kernel never writes reaches the testbench as the pattern build's byte 0xfe there, and as
    the stack's leftovers from a testbench compiled otherwise."""
    from benchmarks.hls_hard import KERNELS_DIR as HARD_DIR

    folder = HARD_DIR / "sm_scale"
    src = (folder / "kernel.cpp").read_text()
    skip = src.replace("        y[i] = pack(scale(x[i], g));", "        if (i > 0) y[i] = pack(scale(x[i], g));")
    assert skip != src and "ap_uint<8> y[SM_N];" in (folder / "tb.cpp").read_text()
    res = csim(skip, folder / "tb.cpp", tmp_path / "skip", cache=hls_cache, timeout_s=10, builds=("pattern",))
    assert res.status == "fail" and "got 0xfe" in res.symptom, res.symptom

def test_commands_take_the_include_folder(tmp_path: Path) -> None:
    cmds = build_commands("sanitize", include=tmp_path / "vitis" / "include")
    assert f"-I{tmp_path / 'vitis' / 'include'}" in cmds.compile_kernel
    assert "-fsanitize=address,undefined" in cmds.compile_kernel and "-fno-sanitize-recover=all" in cmds.link_kernel
    assert "-ftrivial-auto-var-init=pattern" in build_commands("pattern", include=tmp_path).compile_kernel
