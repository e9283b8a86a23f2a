"""``hweval new-suite``: the scaffold of each family installs, its reference passes through the
real CLI in the bubblewrap sandbox (``--sandbox local``, whose every call is logged), and the
package's own test passes."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.scaffold.commands import FAMILIES, new_suite

from .helpers import check, cli, install, listed, pass_at_1, suite_results, uninstall

#: family -> (suite name, example problem folder, extra run flags, what its sandboxed commands run:
#: hweval's job modules, or the compiler; the preflight's probe of the sandbox does not count)
CASES = {
    "verilog": ("hwevaltest-rtl", "counter4", ["-S", "synth=off"], ("harness.jobs.",)),  # validation on: cheap
    "kernel": ("hwevaltest-kern", "scale_shift", ["-S", "validate=off"], ("harness.",)),
    # items are built (trusted code, outside the sandbox) with their own cache: the evaluation's
    # compile cache starts with no verdict, testbench program or host object, so even the
    # reference's fix is compiled and run in the sandbox; the package's own tests then load the
    # items from that item cache (see OWN_CACHE). Both caches start with the session's precompiled
    # ap headers and the gate's header probe (:func:`warm_hls_caches`)
    "hls": ("hwevaltest-hls", "clip_sum", ["-S", "validate=off", "-S", "hls_cache={tmp}/own-cache/hls"],
            ("g++", "harness.jobs.")),
}
#: the most lines a scaffolded suite module may have: a family base does the work
MAX_SUITE_LINES = 30


def logging_bwrap(folder: Path) -> tuple[dict[str, str], Path]:
    """An environment whose ``bwrap`` logs its arguments (one line a call), then runs the real one."""
    real = shutil.which("bwrap")
    if real is None:
        pytest.skip("bubblewrap is not installed")
    log = folder / "bwrap.log"
    wrapper = folder / "bin" / "bwrap"
    wrapper.parent.mkdir(parents=True)
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    return {"PATH": f"{wrapper.parent}{os.pathsep}{os.environ.get('PATH', '')}"}, log


def warm_hls_caches(tmp_path: Path) -> None:
    """The HLS caches of the run's evaluation (``<tmp>/cache/hls``) and of its items and the package's
    own tests (``<tmp>/own-cache/hls``) hold the session's precompiled ap headers and the gate's header
    probe (tests/hls/pch.py: made once per session, hard-linked): without them each cache made the
    three headers and the probe again (about 9 and 20 CPU-s, twice per run of this test)."""
    from tests.hls.pch import session_hls_cache, warm_cache

    for cache in (tmp_path / "cache" / "hls", tmp_path / "own-cache" / "hls"):
        warm_cache(session_hls_cache(), cache)


@pytest.mark.parametrize("family", FAMILIES)
def test_suite_module_is_short_and_uses_only_the_api(family: str, tmp_path: Path) -> None:
    target = new_suite(f"hwevaltest-short-{family}", family, tmp_path)
    text = (target / "src" / f"hwevaltest_short_{family}" / "__init__.py").read_text()
    assert len(text.splitlines()) <= MAX_SUITE_LINES, text
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert all(line.startswith(("from harness.api import", "from __future__", "from pathlib")) for line in imports), \
        imports


def test_every_family_has_a_case() -> None:
    assert set(CASES) == set(FAMILIES)


@pytest.mark.slow
@pytest.mark.parametrize("family", [
    "verilog",
    pytest.param("kernel", marks=pytest.mark.skipif(
        any(importlib.util.find_spec(m) is None for m in ("torch", "triton")),  # no interpreter at collection
        reason="the kernel family needs torch and triton (pip install -e '.[kernels]')")),
    "hls",
])
def test_scaffold_installs_passes_and_tests(family: str, tmp_path: Path) -> None:
    name, example, flags, markers = CASES[family]
    uninstall(name)  # a leftover of an interrupted session
    check(cli("new-suite", name, "--family", family, cwd=tmp_path))
    pkg = tmp_path / name
    package = name.replace("-", "_")
    assert (pkg / "pyproject.toml").is_file() and (pkg / "tests" / f"test_{package}.py").is_file()
    assert (pkg / "src" / package / "problems" / example).is_dir()
    assert not list(pkg.rglob("*.tmpl")) and "{{" not in (pkg / "src" / package / "__init__.py").read_text()
    try:
        install(pkg)
        row = listed("suites")[name]
        assert row["distribution"] == name and row["target"].startswith(f"{package}:")

        out = tmp_path / "run"
        if family == "hls":
            warm_hls_caches(tmp_path)
        env, log = logging_bwrap(tmp_path)
        env["HWEVAL_CACHE"] = str(tmp_path / "cache")
        check(cli("run", "--suite", name, "--model", "reference", "--sandbox", "local", "--out", str(out),
                  *(f.format(tmp=tmp_path) for f in flags), env=env))
        assert pass_at_1(out, name) == 1.0
        assert suite_results(out)[name]["excluded"] == []
        assert json.loads((out / "config.json").read_text())["sandbox"]["kind"] == "local"
        calls = log.read_text().splitlines()  # the candidates ran inside bubblewrap
        assert any(any(m in call for m in markers) and "--unshare-net" in call and "echo ok" not in call
                   for call in calls), calls

        # the package's own tests, in the cache the run built its items in (HLS: the items are not
        # built twice; their answers still run, from the harness's compile cache where it has them)
        own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=pkg,
                             capture_output=True, text=True, timeout=600,
                             env={**os.environ, "HWEVAL_CACHE": str(tmp_path / "own-cache")})
        assert own.returncode == 0, own.stdout + own.stderr
        assert "3 passed" in own.stdout
    finally:
        uninstall(name)


def test_refuses_bad_names_and_existing_folders(tmp_path: Path) -> None:
    for bad in ("My Bench", "1bench", "bench--x", "bench/x", "-bench"):
        with pytest.raises(UsageError, match="lower-case"):
            new_suite(bad, "verilog", tmp_path)
    with pytest.raises(UsageError, match="module named 'json' already exists"):
        new_suite("json", "verilog", tmp_path)
    with pytest.raises(UsageError, match="already registered"):
        new_suite("rtllm", "verilog", tmp_path)
    (tmp_path / "taken" / "x").mkdir(parents=True)
    with pytest.raises(UsageError, match="not empty"):
        new_suite("taken", "verilog", tmp_path)
    with pytest.raises(UsageError, match="--family"):
        new_suite("fresh", "vhdl", tmp_path)
    assert not (tmp_path / "fresh").exists()


def test_cli_errors_exit_2(tmp_path: Path) -> None:
    proc = cli("new-suite", "Bad Name", cwd=tmp_path)
    assert proc.returncode == 2 and "lower-case" in proc.stderr
    proc = cli("new-suite", "ok-name", "--family", "vhdl", cwd=tmp_path)
    assert proc.returncode == 2 and "--family" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_writes_every_template_file(tmp_path: Path) -> None:
    target = new_suite("hwevaltest-files", "hls", tmp_path)
    got = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert got == [
        "README.md", "pyproject.toml",
        "src/hwevaltest_files/__init__.py",
        *[f"src/hwevaltest_files/problems/clip_sum/{f}" for f in ("kernel.cpp", "kernel.h", "meta.toml", "tb.cpp")],
        "tests/test_hwevaltest_files.py",
    ]
    text = (target / "src/hwevaltest_files/__init__.py").read_text()
    assert "class HwevaltestFilesSuite(KernelHlsSuite):" in text and 'name = "hwevaltest-files"' in text
    assert 'hwevaltest-files = "hwevaltest_files:HwevaltestFilesSuite"' in (target / "pyproject.toml").read_text()
