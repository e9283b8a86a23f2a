"""``hweval new-suite``: the scaffold of each family installs, its reference passes through the
real CLI, and the package's own test passes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.scaffold.commands import FAMILIES, new_suite

from .helpers import check, cli, install, listed, pass_at_1, suite_results, uninstall

#: family -> (suite name, example problem, extra run flags)
CASES = {
    "verilog": ("hwevaltest-rtl", "counter4", ["-S", "synth=off"]),  # validation on: cheap here
    "kernel": ("hwevaltest-kern", "scale_shift", ["-S", "validate=off"]),
    "hls": ("hwevaltest-hls", "clip_sum", ["-S", "validate=off"]),
}


def test_every_family_has_a_case() -> None:
    assert set(CASES) == set(FAMILIES)


@pytest.mark.slow
@pytest.mark.parametrize("family", [
    "verilog",
    pytest.param("kernel", marks=pytest.mark.skipif(
        subprocess.run([sys.executable, "-c", "import torch, triton"], capture_output=True).returncode != 0,
        reason="the kernel family needs torch and triton (pip install -e '.[kernels]')")),
    "hls",
])
def test_scaffold_installs_passes_and_tests(family: str, tmp_path: Path) -> None:
    name, example, flags = CASES[family]
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
        check(cli("run", "--suite", name, "--model", "reference", "--out", str(out), *flags))
        assert pass_at_1(out, name) == 1.0
        assert suite_results(out)[name]["excluded"] == []

        own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=pkg,
                             capture_output=True, text=True, timeout=600)
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
        *[f"src/hwevaltest_files/problems/clip_sum/{f}" for f in
          ("buggy.cpp", "kernel.cpp", "kernel.h", "meta.toml", "tb.cpp")],
        "tests/test_hwevaltest_files.py",
    ]
    text = (target / "src/hwevaltest_files/__init__.py").read_text()
    assert "class HwevaltestFilesSuite(Suite):" in text and 'name = "hwevaltest-files"' in text
    assert 'hwevaltest-files = "hwevaltest_files:HwevaltestFilesSuite"' in (target / "pyproject.toml").read_text()
