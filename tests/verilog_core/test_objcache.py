"""Prebuilt Verilator runtime objects (harness.families.verilog.objcache / vobjects), with g++.

The hook copies a recorded object only for the very compile that made it (same command line,
compiler, source and headers unchanged); anything else compiles as before, and the design's
own C++ (inside the build folder) is never recorded.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.families.verilog.objcache import MANIFEST
from harness.families.verilog.vobjects import HOOK, seal

pytestmark = pytest.mark.slow  # runs g++


def _compile(cwd: Path, source: Path, **env: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-I", "-S", str(HOOK), "c++", "-O0", "-MMD", "-c", "-o", "lib.o", str(source)]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PATH": os.environ["PATH"], **env})


def _tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "lib.h").write_text("int twice(int x);\n")
    (lib / "lib.cpp").write_text('#include "lib.h"\nint twice(int x) { return 2 * x; }\n')
    record = tmp_path / "record"
    record.mkdir()
    first = tmp_path / "first"
    first.mkdir()
    assert _compile(first, lib / "lib.cpp", HWEVAL_VOBJ_RECORD=str(record)).returncode == 0
    assert seal(record) == 1 and (record / MANIFEST).is_file()
    return lib, record, first


def test_the_same_compile_gets_the_recorded_object(tmp_path: Path) -> None:
    lib, record, first = _tree(tmp_path)
    build = tmp_path / "build"
    build.mkdir()
    proc = _compile(build, lib / "lib.cpp", HWEVAL_VOBJ_DIR=str(record))
    assert proc.returncode == 0 and "lib.o prebuilt" in proc.stdout, proc
    assert (build / "lib.o").read_bytes() == (first / "lib.o").read_bytes()
    assert (build / "lib.d").is_file()


def test_a_changed_header_or_other_flags_compile_again(tmp_path: Path) -> None:
    lib, record, _ = _tree(tmp_path)
    build = tmp_path / "build"
    build.mkdir()
    (lib / "lib.h").write_text("int twice(int x);  // edited\n")
    proc = _compile(build, lib / "lib.cpp", HWEVAL_VOBJ_DIR=str(record))
    assert proc.returncode == 0 and "prebuilt" not in proc.stdout, proc
    assert (build / "lib.o").is_file()
    (build / "lib.o").unlink()
    argv = [sys.executable, "-I", "-S", str(HOOK), "c++", "-O1", "-MMD", "-c", "-o", "lib.o", str(lib / "lib.cpp")]
    proc = subprocess.run(argv, cwd=build, capture_output=True, text=True, timeout=120,
                          env={"PATH": os.environ["PATH"], "HWEVAL_VOBJ_DIR": str(record)})
    assert proc.returncode == 0 and "prebuilt" not in proc.stdout and (build / "lib.o").is_file(), proc


def test_a_source_inside_the_build_folder_is_never_recorded(tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    (build / "design.cpp").write_text("int f() { return 1; }\n")
    record = tmp_path / "record"
    record.mkdir()
    assert _compile(build, build / "design.cpp", HWEVAL_VOBJ_RECORD=str(record)).returncode == 0
    assert (build / "lib.o").is_file() and seal(record) == 0


def test_a_failing_compile_fails_and_records_nothing(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "bad.cpp").write_text("int f( { return 1; }\n")
    record = tmp_path / "record"
    record.mkdir()
    proc = _compile(tmp_path, lib / "bad.cpp", HWEVAL_VOBJ_RECORD=str(record))
    assert proc.returncode != 0 and seal(record) == 0


def test_a_source_that_includes_a_header_of_the_build_folder_is_never_recorded(tmp_path: Path) -> None:
    """cocotb's verilator.cpp lies outside the build folder but includes the design's Vtop.h."""
    lib, build, record = tmp_path / "lib", tmp_path / "build", tmp_path / "record"
    for folder in (lib, build, record):
        folder.mkdir()
    (build / "Vtop.h").write_text("inline int top() { return 1; }\n")
    (lib / "main.cpp").write_text('#include "Vtop.h"\nint main() { return top(); }\n')
    argv = [sys.executable, "-I", "-S", str(HOOK), "c++", "-I.", "-MMD", "-c", "-o", "main.o", str(lib / "main.cpp")]
    proc = subprocess.run(argv, cwd=build, capture_output=True, text=True, timeout=120,
                          env={"PATH": os.environ["PATH"], "HWEVAL_VOBJ_RECORD": str(record)})
    assert proc.returncode == 0 and (build / "main.o").is_file(), proc
    assert seal(record) == 0


def test_a_cache_folder_that_cannot_be_made_leaves_the_build_as_it_was(tmp_path: Path) -> None:
    from harness.families.verilog.vobjects import prebuilt_env

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = {"PATH": os.environ["PATH"]}
    assert prebuilt_env(env, {}, blocker) == (env, None)
